package io.prorl.engine.scoring;

import ai.djl.ndarray.NDArray;
import io.prorl.engine.JavaArrays;

/**
 * Log-probabilities of chosen tokens and the entropy of the predicting distributions, from logits:
 *
 * <pre>
 *   logp_t    = log softmax(z_t / T)[token_t]
 *   entropy_t = - sum_v softmax(z_t / T)_v * log softmax(z_t / T)_v
 * </pre>
 *
 * @param logp [B, n] (with gradient where the logits have one)
 * @param entropy [B, n]; with gradient only where asked for; null where not asked for
 */
public record TokenLogprobs(NDArray logp, NDArray entropy) {

  /** What to compute of the entropy. */
  public enum Entropy {
    /** none */
    NONE,
    /** its value, without gradient (a metric) */
    VALUE,
    /** with gradient (an entropy bonus in the loss) */
    GRADIENT
  }

  /**
   * @param logits [B, n, V]
   * @param targets [B, n, 1] int64
   * @param temperature logits are divided by it (1 for none)
   */
  public static TokenLogprobs of(
      NDArray logits, NDArray targets, double temperature, Entropy entropy) {
    if (temperature != 1.0) {
      logits = logits.div(JavaArrays.scalar(logits.getManager(), temperature));
    }
    NDArray logSoftmax = logits.logSoftmax(-1);
    NDArray logp = logSoftmax.gather(targets, 2).squeeze(2);
    NDArray h =
        switch (entropy) {
          case NONE -> null;
          case VALUE -> entropyOf(logSoftmax.stopGradient());
          case GRADIENT -> entropyOf(logSoftmax);
        };
    return new TokenLogprobs(logp, h);
  }

  private static NDArray entropyOf(NDArray logSoftmax) {
    return logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg();
  }
}
