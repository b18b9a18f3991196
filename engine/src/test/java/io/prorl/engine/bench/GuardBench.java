package io.prorl.engine.bench;

import io.prorl.engine.DjlEngine;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the update guard ({@code surrogateGuard}, one no-gradient rescoring of each mini-batch after
 * its update) costs a tiny RL step: two {@link RlRig}s from the same initial weights, one with the
 * guard and one without, stepped alternately. The guard only reads the policy, so both rigs train
 * on the same samples and differ by the guard's forward alone. Medians of {@code steps} steps after
 * one warm-up step each.
 *
 * <p>Run: {@code ./prorl bench-guard [STEPS] [tiny|32m|50m]}.
 */
public final class GuardBench {
  private GuardBench() {}

  public static void main(String[] args) throws Exception {
    DjlEngine.pytorch();
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    ModelConfig config = RlRig.shape(args.length > 1 ? args[1] : "tiny");
    Path dir = Files.createTempDirectory("prorl-bench-guard");
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        RlRig on = new RlRig(config, tokenizer, true);
        RlRig off = new RlRig(config, tokenizer, false)) {
      on.step(1);
      off.step(1);
      double[][] wall = new double[2][steps];
      double[][] update = new double[2][steps];
      double gainSum = 0;
      for (int i = 0; i < steps; i++) {
        StepMetrics a = on.step(i + 2);
        StepMetrics b = off.step(i + 2);
        if (a.rewardMean() != b.rewardMean()) {
          throw new IllegalStateException(
              "step " + (i + 2) + ": the rigs sampled differently; the comparison is not paired");
        }
        wall[0][i] = a.wallSeconds();
        wall[1][i] = b.wallSeconds();
        update[0][i] = a.updateSeconds();
        update[1][i] = b.updateSeconds();
        gainSum += a.surrogateGain();
      }
      double wallOn = median(wall[0]);
      double wallOff = median(wall[1]);
      System.out.printf(
          "%s, %d paired steps (8 prompts x 8 responses, 2 updates):%n",
          RlRig.label(config), steps);
      System.out.printf("%-10s %10s %10s%n", "guard", "step s", "update s");
      System.out.printf("%-10s %10.3f %10.3f%n", "off", wallOff, median(update[1]));
      System.out.printf("%-10s %10.3f %10.3f%n", "on", wallOn, median(update[0]));
      System.out.printf(
          "guard cost: %+.1f%% of a step (median on / median off - 1); mean surrogate gain %.3g%n",
          100 * (wallOn / wallOff - 1), gainSum / steps);
    }
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
