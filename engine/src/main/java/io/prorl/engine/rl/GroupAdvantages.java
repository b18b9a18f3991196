package io.prorl.engine.rl;

/**
 * GRPO's outcome advantage: every response of a group is compared with its siblings.
 *
 * <pre>
 *   A_i = (r_i - mean(r_1..r_G)) / (std(r_1..r_G) + 1e-6)      same value for every token of o_i
 * </pre>
 *
 * std is the sample standard deviation (n - 1 in the denominator, as TRL's GRPO trainer); with
 * {@code scaleByStd = false} the division is skipped (Dr. GRPO's variant).
 */
public final class GroupAdvantages {
  static final double EPS = 1e-6;

  private GroupAdvantages() {}

  public static double[] of(double[] rewards, boolean scaleByStd) {
    int g = rewards.length;
    double mean = 0;
    for (double r : rewards) {
      mean += r;
    }
    mean /= g;
    double std = 0;
    if (g > 1) {
      for (double r : rewards) {
        std += (r - mean) * (r - mean);
      }
      std = Math.sqrt(std / (g - 1));
    }
    double[] a = new double[g];
    for (int i = 0; i < g; i++) {
      a[i] = scaleByStd ? (rewards[i] - mean) / (std + EPS) : rewards[i] - mean;
    }
    return a;
  }

  /** A group whose rewards are all equal gives every response advantage 0: no gradient. */
  public static boolean isMixed(double[] rewards) {
    for (double r : rewards) {
      if (r != rewards[0]) {
        return true;
      }
    }
    return false;
  }
}
