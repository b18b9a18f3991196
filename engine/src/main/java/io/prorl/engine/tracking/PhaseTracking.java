package io.prorl.engine.tracking;

import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.Validation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ProRL phase as a nested MLflow run under the run of its flow execution: created (or found
 * again, for a retried or resumed phase) when the phase starts, with the whole resolved config as
 * params and the lineage as tags (run, phase, resets so far, dataset sha256, the checkpoint it
 * started from); every step's metrics; at the end the checkpoint it wrote, why it stopped and its
 * status. A spool write that fails only warns (unless tracking is required).
 */
public final class PhaseTracking implements TrainingListener {
  private final Tracker tracker;
  private final TrackedRun execution;
  private final String runId;
  private final Map<String, String> params;
  private final Map<String, String> tags;
  private final TrackingLog log;
  private TrackedRun phaseRun;
  private StepMetricsTracking steps;

  /**
   * @param execution the run of the flow execution (parent)
   * @param runId the ProRL run the phase belongs to
   * @param params the resolved config as params ({@link ConfigParams})
   * @param tags lineage tags for the phase run (Kestra ids, dataset sha256, ...)
   */
  public PhaseTracking(
      Tracker tracker,
      TrackedRun execution,
      String runId,
      Map<String, String> params,
      Map<String, String> tags,
      TrackingLog log) {
    this.tracker = tracker;
    this.execution = execution;
    this.runId = runId;
    this.params = Map.copyOf(params);
    this.tags = Map.copyOf(tags);
    this.log = log;
  }

  /** The phase's run, once the phase started. */
  public TrackedRun phaseRun() {
    return phaseRun;
  }

  @Override
  public void onPhaseStart(int phase, String startedFrom) {
    Map<String, String> t = new LinkedHashMap<>(tags);
    t.put("prorl.run", runId);
    t.put("prorl.phase", Integer.toString(phase));
    // every phase after the first began with a hard reset: reference := policy (and optimizer)
    t.put("prorl.resets", Integer.toString(phase - 1));
    t.put("prorl.parent.checkpoint", startedFrom);
    phaseRun =
        execution.child(
            execution.key() + "/" + runId + "/phase-" + phase, runId + " phase " + phase, t);
    steps = new StepMetricsTracking(tracker, phaseRun, log);
    guard(() -> {
      tracker.start(phaseRun);
      tracker.logParams(phaseRun, params);
      tracker.setTags(execution, Map.of("prorl.run", runId));
    });
  }

  @Override
  public void onStep(StepMetrics metrics) {
    steps.onStep(metrics);
  }

  /** Validation checks as metrics at their step: the blend and each family's pass@1. */
  @Override
  public void onValidation(int step, Validation validation) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("validation.blend", validation.blend());
    validation.perFamily().forEach((f, v) -> m.put("validation." + f + ".pass_at_1", v));
    guard(() -> tracker.logMetrics(phaseRun, step, m));
  }

  @Override
  public void onCheckpoint(String uri, int step) {
    guard(() -> tracker.setTags(phaseRun, Map.of("prorl.checkpoint.latest", uri)));
  }

  /** The phase ended: its end checkpoint, stop reason and status FINISHED. */
  public void finished(PhaseResult result) {
    finished(result, Map.of());
  }

  /** The phase ended; {@code extraTags} (e.g. the run's budget state) are set as well. */
  public void finished(PhaseResult result, Map<String, String> extraTags) {
    if (phaseRun == null) {
      return;
    }
    Map<String, String> t = new LinkedHashMap<>(extraTags);
    if (result.checkpoint() != null) {
      t.put("prorl.checkpoint", result.checkpoint());
    }
    t.put("prorl.stopReason", result.stopReason().name());
    t.put("prorl.resetRecommended", Boolean.toString(result.resetRecommended()));
    guard(() -> {
      tracker.setTags(phaseRun, t);
      if (!Double.isNaN(result.bestValidation())) {
        tracker.logMetrics(
            phaseRun, result.steps(), Map.of("bestValidationPassAt1", result.bestValidation()));
      }
      tracker.end(phaseRun, "FINISHED");
    });
  }

  /** The phase failed (a Kestra retry continues this same run). */
  public void failed(Throwable error) {
    if (phaseRun == null) {
      return;
    }
    String message = String.valueOf(error.getMessage());
    guard(() -> {
      tracker.setTags(
          phaseRun,
          Map.of("prorl.error", message.length() > 4000 ? message.substring(0, 4000) : message));
      tracker.end(phaseRun, "FAILED");
    });
  }

  private interface SpoolWrite {
    void run() throws IOException;
  }

  private void guard(SpoolWrite write) {
    try {
      write.run();
    } catch (IOException e) {
      if (tracker.settings().required()) {
        throw new java.io.UncheckedIOException(
            "MLflow spool (mlflowRequired): " + e.getMessage(), e);
      }
      log.warn("not tracked: spool write failed: " + e);
    }
  }
}
