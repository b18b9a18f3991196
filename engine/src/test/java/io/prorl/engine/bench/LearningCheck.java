package io.prorl.engine.bench;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.GroupFilter;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.PhaseTrainer;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.Validator;
import io.prorl.engine.rl.WarmStart;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An engine-only learning experiment (superseded by the quickstart flow, whose held-out prompts are
 * deduplicated; here all 100 validation prompts also occur in training - 63 distinct 4-vertex
 * graphs): the embedded tiny policy is warm-started by SFT on the graph_color solver's solutions (4
 * vertices, p 0.5, 3 colors), then trained by ProRL phases of 10 steps with a hard reference reset
 * between phases; validation pass@1 (greedy, 100 held-out problems) after the warm start and after
 * every phase.
 *
 * <p>Run: {@code ./prorl learning-check [SFT_STEPS] [PHASES] [LR]} (defaults 200, 3, 1e-4).
 */
public final class LearningCheck {
  private static final Map<String, Object> SMALL_GRAPHS =
      Map.of("vertices", 4, "edgeProbability", 0.5, "colors", 3);

  private LearningCheck() {}

  /** Validation pass@1 after the warm start and after the last phase. */
  public record Outcome(double base, double after) {}

  public static void main(String[] args) throws Exception {
    run(
        args.length > 0 ? Integer.parseInt(args[0]) : 200,
        args.length > 1 ? Integer.parseInt(args[1]) : 3,
        args.length > 2 ? Double.parseDouble(args[2]) : 1e-4,
        System.out);
  }

  /** Runs the check, printing progress to {@code out}. */
  public static Outcome run(int sftSteps, int phases, double lr, java.io.PrintStream out)
      throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("graph_color", SMALL_GRAPHS, 1, 3000);
    List<Problem> validation = families.generate("graph_color", SMALL_GRAPHS, 2, 100);
    Path dir = Files.createTempDirectory("prorl-learning-check");
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 1, Device.cpu())) {
      Validator validator = new Validator(tokenizer, families, validation, 64);
      long start = System.nanoTime();
      double loss =
          WarmStart.run(
              policy,
              tokenizer,
              train,
              new WarmStart.Config(sftSteps, 32, 2e-3, 1.0, 1.0, 256, 0),
              s -> {});
      double base = validator.passAt1(policy);
      out.printf(
          "warm start: %d SFT steps, loss %.3f, validation pass@1 %.2f (%.0f s)%n",
          sftSteps, loss, base, seconds(start));
      SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, 64, List.of(), 0);
      TrainerConfig config =
          new TrainerConfig(
              8,
              8,
              2,
              lr,
              0,
              1.0,
              new LossConfig(0.2, 0.28, 1e-3, 0, LossConfig.Aggregation.TOKEN),
              sampling,
              true,
              false,
              3,
              0.0,
              GroupFilter.REWARD_VARIANCE,
              true,
              io.prorl.engine.scoring.TrainingMemory.DEFAULTS);
      RolloutGenerator rollouts = new RolloutGenerator(policy, tokenizer, families, sampling, 8);
      ProblemStream prompts = new ProblemStream(train, 3);
      double after = base;
      for (int phase = 1; phase <= phases; phase++) {
        PhaseResult r =
            new PhaseTrainer(config, new PhaseLimits(10, null, 0, 0, 0))
                .run(policy, rollouts::rollout, prompts, null, TrainingListener.NONE, phase);
        after = validator.passAt1(policy);
        if (r.history().isEmpty()) {
          out.printf("phase %d stopped before its first step: %s%n", phase, r.stopReason());
          continue;
        }
        StepMetrics last = r.history().get(r.history().size() - 1);
        out.printf(
            "phase %d (reset at start): %d steps (%s), last reward %.3f, accuracy %.2f, kl %.4f;"
                + " validation pass@1 %.2f (%.0f s)%n",
            phase,
            r.steps(),
            r.stopReason(),
            last.rewardMean(),
            last.accuracy(),
            last.kl(),
            after,
            seconds(start));
      }
      out.printf(
          "learning check: warm-start base %.2f -> after ProRL %.2f (%+.0f points)%n",
          base, after, 100 * (after - base));
      return new Outcome(base, after);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
