package io.prorl.engine.optim;

import ai.djl.ndarray.NDArray;
import io.prorl.engine.JavaArrays;

/** Next-token cross-entropy, the loss of supervised fine-tuning. */
public final class LanguageModelLoss {
  private LanguageModelLoss() {}

  /**
   * L = - sum_t mask_t * log softmax(z_t)[target_t] / sum_t mask_t
   *
   * @param logits [B, T, V]
   * @param targets [B, T, 1] int64, the token each position predicts
   * @param mask [B, T] 1 for positions that count, or null for all
   */
  public static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray mask) {
    NDArray logp = logits.logSoftmax(-1).gather(targets, 2).squeeze(2);
    if (mask == null) {
      return logp.mean().neg();
    }
    return logp.mul(mask)
        .sum()
        .div(mask.sum().maximum(JavaArrays.scalar(mask.getManager(), 1)))
        .neg();
  }

  /**
   * S = - sum_t weight_t * log softmax(z_t)[target_t]: the numerator of {@link #crossEntropy}, for
   * a share of a batch whose loss is normalised by the whole batch's weight.
   *
   * @param logits [B, T, V]
   * @param targets [B, T, 1] int64
   * @param weight [B, T] the weight of each prediction (0 for positions that do not count)
   */
  public static NDArray weightedSum(NDArray logits, NDArray targets, NDArray weight) {
    return logits.logSoftmax(-1).gather(targets, 2).squeeze(2).mul(weight).sum().neg();
  }
}
