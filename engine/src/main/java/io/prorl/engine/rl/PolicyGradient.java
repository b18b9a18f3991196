package io.prorl.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.parallel.DataParallel;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.scoring.SequenceScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient of the ProRL loss ({@link GrpoLoss}) on one mini-batch, left in the policy's
 * parameters' {@code .grad}: the policy scores the responses with gradient, split across {@link
 * Lanes}, each lane's loss normalised by the whole mini-batch so the lanes' gradients sum to the
 * whole one (verl's {@code dp_actor.update_policy} on one mini-batch, before the optimizer step).
 * The parameters must require gradients; the caller owns the NDScope around the call.
 */
public final class PolicyGradient {
  private final Qwen2Model policy;
  private final LossConfig loss;
  private final double temperature;
  private final int lanes;

  /**
   * @param temperature the sampling temperature: logits are divided by it before the softmax
   * @param lanes threads the mini-batch is split across
   */
  public PolicyGradient(Qwen2Model policy, LossConfig loss, double temperature, int lanes) {
    this.policy = policy;
    this.loss = loss;
    this.temperature = temperature;
    this.lanes = lanes;
  }

  /**
   * The loss of the mini-batch and token-weighted sums of its metrics (divide by {@code tokens}).
   *
   * @param logpBefore each response's log-probs under the policy as it was scored (no gradient),
   *     before the update this gradient feeds
   */
  public record Stats(
      float loss,
      double tokens,
      double entropySum,
      double klSum,
      double clipLowSum,
      double clipHighSum,
      double clipDualSum,
      double ratioSum,
      List<float[]> logpBefore) {}

  /** Zeroes the policy's gradients and fills them with the gradient of the mini-batch's loss. */
  public Stats backward(List<PolicySample> batch) {
    double countedTokens = 0;
    for (PolicySample s : batch) {
      countedTokens += s.countedTokens();
    }
    GrpoLoss.Normaliser whole = new GrpoLoss.Normaliser(countedTokens, batch.size());
    Gradients.zero(policy.parameters().values());
    List<Stats> parts =
        DataParallel.backward(
            policy,
            batch.size(),
            lanes,
            Lanes.MIN_PER_LANE,
            (m, from, to) -> laneLoss(m, batch.subList(from, to), whole));
    return sum(parts);
  }

  /** The loss of {@code share} (normalised by the whole mini-batch) and its metric sums. */
  private DataParallel.Part<Stats> laneLoss(
      NDManager m, List<PolicySample> share, GrpoLoss.Normaliser whole) {
    int b = share.size();
    int r = Math.max(1, share.stream().mapToInt(s -> s.response().length).max().orElse(1));
    boolean withRef = loss.klCoef() > 0;
    float[] old = new float[b * r];
    float[] ref = withRef ? new float[b * r] : null;
    float[] counted = new float[b * r];
    float[] advantages = new float[b];
    for (int i = 0; i < b; i++) {
      PolicySample s = share.get(i);
      advantages[i] = (float) s.advantage();
      for (int t = 0; t < s.response().length; t++) {
        old[i * r + t] = s.oldLogp()[t];
        counted[i * r + t] = s.counted() ? 1f : 0f;
        if (withRef) {
          if (s.refLogp() == null) {
            throw new IllegalArgumentException("klCoef > 0 needs every sample's refLogp");
          }
          ref[i * r + t] = s.refLogp()[t];
        }
      }
    }
    SequenceScorer.Scored scored =
        new SequenceScorer(policy)
            .score(
                m,
                share.stream().map(PolicySample::prompt).toList(),
                share.stream().map(PolicySample::response).toList(),
                temperature);
    NDArray mask = scored.mask().mul(JavaArrays.tensor(m, counted, new Shape(b, r)));
    GrpoLoss.Result result =
        new GrpoLoss(loss)
            .compute(
                scored.logprobs(),
                JavaArrays.tensor(m, old, new Shape(b, r)),
                ref == null ? null : JavaArrays.tensor(m, ref, new Shape(b, r)),
                JavaArrays.tensor(m, advantages),
                mask,
                scored.entropy(),
                whole);
    double tokens = mask.sum().getFloat();
    double entropySum = scored.entropy().stopGradient().mul(mask).sum().getFloat();
    float[] flat = scored.logprobs().stopGradient().toFloatArray();
    List<float[]> before = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      before.add(java.util.Arrays.copyOfRange(flat, i * r, i * r + share.get(i).response().length));
    }
    return new DataParallel.Part<>(
        result.loss(),
        new Stats(
            result.loss().getFloat(),
            tokens,
            entropySum,
            result.kl() * tokens,
            result.clipFractionLow() * tokens,
            result.clipFractionHigh() * tokens,
            result.clipFractionDual() * tokens,
            result.ratioMean() * tokens,
            before));
  }

  private static Stats sum(List<Stats> lanes) {
    float loss = 0;
    double tokens = 0;
    double entropy = 0;
    double kl = 0;
    double low = 0;
    double high = 0;
    double dual = 0;
    double ratio = 0;
    List<float[]> before = new ArrayList<>();
    for (Stats l : lanes) {
      loss += l.loss();
      tokens += l.tokens();
      entropy += l.entropySum();
      kl += l.klSum();
      low += l.clipLowSum();
      high += l.clipHighSum();
      dual += l.clipDualSum();
      ratio += l.ratioSum();
      before.addAll(l.logpBefore());
    }
    return new Stats(loss, tokens, entropy, kl, low, high, dual, ratio, before);
  }
}
