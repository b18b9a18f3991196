package io.prorl.engine.rl;

import java.util.List;

/**
 * The surrogate's first-order gain from one mini-batch update, a run-time check that the update
 * moved the policy the way its advantages ask:
 *
 * <pre>
 *   gain = sum_i A_i * sum_{t counted} (logp_after(o_{i,t}) - logp_before(o_{i,t})) / sum_i |o_i|
 * </pre>
 *
 * where {@code logp_before} is the policy just before the update and {@code logp_after} just after.
 * Since ratio = exp(logp - logp_old) ~ 1 + (logp - logp_old), this is the change of the token-mean
 * surrogate to first order. A sound update has gain > 0 unless clipping holds most tokens still; a
 * negative gain with both clip fractions under {@link #CLIP_QUIET} is a defect (a gradient of the
 * wrong sign, or scaled by garbage) and is reported as a warning.
 */
public final class SurrogateGain {
  /** Clip fractions below this leave the surrogate unclipped enough that its gain must be > 0. */
  public static final double CLIP_QUIET = 0.01;

  private SurrogateGain() {}

  /**
   * @param before each sample's log-probs before the update
   * @param after each sample's log-probs after it
   */
  public static double of(List<PolicySample> batch, List<float[]> before, List<float[]> after) {
    if (before.size() != batch.size() || after.size() != batch.size()) {
      throw new IllegalArgumentException(
          "need log-probs for each of "
              + batch.size()
              + " samples, got "
              + before.size()
              + " before and "
              + after.size()
              + " after");
    }
    double sum = 0;
    long tokens = 0;
    for (int i = 0; i < batch.size(); i++) {
      PolicySample s = batch.get(i);
      if (!s.counted()) {
        continue;
      }
      double delta = 0;
      for (int t = 0; t < s.response().length; t++) {
        delta += after.get(i)[t] - before.get(i)[t];
      }
      sum += s.advantage() * delta;
      tokens += s.response().length;
    }
    return tokens == 0 ? 0 : sum / tokens;
  }

  /** Whether a gain is suspicious: negative while neither clip bound holds 1% of the tokens. */
  public static boolean suspicious(double gain, double clipFractionLow, double clipFractionHigh) {
    return gain < 0 && clipFractionLow < CLIP_QUIET && clipFractionHigh < CLIP_QUIET;
  }
}
