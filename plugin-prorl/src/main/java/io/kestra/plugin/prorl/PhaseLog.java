package io.kestra.plugin.prorl;

import io.kestra.core.models.executions.metrics.Timer;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.Validation;
import java.time.Duration;
import java.util.Locale;

/** A phase's progress in the task log (every step, validation and checkpoint) and Kestra timers. */
final class PhaseLog implements TrainingListener {
  private final RunContext runContext;
  private final int maxSteps;
  private final long start = System.nanoTime();
  private int seen;

  PhaseLog(RunContext runContext, int maxSteps) {
    this.runContext = runContext;
    this.maxSteps = maxSteps;
  }

  @Override
  public void onPhaseStart(int phase, String startedFrom) {
    runContext
        .logger()
        .info("phase {} starts from {} (reference := this policy)", phase, startedFrom);
  }

  @Override
  public void onStep(StepMetrics m) {
    seen++;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double eta = elapsed / seen * Math.max(0, maxSteps - m.step());
    runContext
        .logger()
        .info(
            String.format(
                Locale.ROOT,
                "step %d/%d reward %.3f accuracy %.2f kl %.4f entropy %.3f kept %.2f"
                    + " clip %.3f/%.3f updates %d skipped %d surrogate gain %.2e"
                    + " (%.1f s, ETA %.0f s)",
                m.step(),
                maxSteps,
                m.rewardMean(),
                m.accuracy(),
                m.kl(),
                m.entropy(),
                m.keptFraction(),
                m.clipFractionLow(),
                m.clipFractionHigh(),
                m.updates(),
                m.skippedUpdates(),
                m.surrogateGain(),
                m.wallSeconds(),
                eta));
    runContext.metric(Timer.of("step.duration", Duration.ofNanos((long) (m.wallSeconds() * 1e9))));
  }

  @Override
  public void onValidation(int step, Validation v) {
    runContext
        .logger()
        .info(
            String.format(
                Locale.ROOT,
                "validation after step %d: blend %.3f %s",
                step,
                v.blend(),
                v.perFamily()));
  }

  @Override
  public void onWarning(String message) {
    runContext.logger().warn(message);
  }

  @Override
  public void onCheckpoint(String uri, int step) {
    runContext.logger().info("checkpoint at step {}: {}", step, uri);
  }

  @Override
  public void onCheckpointDeleted(String uri) {
    runContext.logger().info("retention: deleted checkpoint {}", uri);
  }
}
