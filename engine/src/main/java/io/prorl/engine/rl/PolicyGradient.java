package io.prorl.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.parallel.DataParallel;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.scoring.ChunkedLossBackward;
import io.prorl.engine.scoring.PredictionBatch;
import io.prorl.engine.scoring.TokenLogprobs;
import io.prorl.engine.scoring.TrainingMemory;
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
  private final TrainingMemory memory;

  /**
   * @param temperature the sampling temperature: logits are divided by it before the softmax
   * @param lanes threads each micro-batch is split across
   * @param memory chunked LM head, micro-batches and recompute (each gives the same gradient)
   */
  public PolicyGradient(
      Qwen2Model policy, LossConfig loss, double temperature, int lanes, TrainingMemory memory) {
    this.policy = policy;
    this.loss = loss;
    this.temperature = temperature;
    this.lanes = lanes;
    this.memory = memory;
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

  /**
   * Zeroes the policy's gradients and fills them with the gradient of the mini-batch's loss: one
   * micro-batch at a time ({@link TrainingMemory#microBatches}), each split across lanes, every
   * share's loss normalised by the whole mini-batch so the gradients accumulate to the whole one.
   */
  public Stats backward(List<PolicySample> batch) {
    double countedTokens = 0;
    int[] promptLengths = new int[batch.size()];
    int[] responseLengths = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      PolicySample s = batch.get(i);
      countedTokens += s.countedTokens();
      promptLengths[i] = s.prompt().length;
      responseLengths[i] = s.response().length;
    }
    GrpoLoss.Normaliser whole = new GrpoLoss.Normaliser(countedTokens, batch.size());
    Gradients.zero(policy.parameters().values());
    List<Stats> parts = new ArrayList<>();
    for (int[] range : memory.microBatches(promptLengths, responseLengths)) {
      List<PolicySample> micro = batch.subList(range[0], range[1]);
      parts.addAll(
          DataParallel.run(
              policy,
              micro.size(),
              lanes,
              Lanes.MIN_PER_LANE,
              (m, from, to) -> laneLoss(m, micro.subList(from, to), whole)));
    }
    return sum(parts);
  }

  /**
   * Forward and backward of {@code share}'s loss (normalised by the whole mini-batch), chunk by
   * chunk of response positions ({@link ChunkedLossBackward}); its metric sums.
   */
  private Stats laneLoss(NDManager m, List<PolicySample> share, GrpoLoss.Normaliser whole) {
    PredictionBatch in =
        PredictionBatch.responses(
            share.stream().map(PolicySample::prompt).toList(),
            share.stream().map(PolicySample::response).toList());
    int b = share.size();
    int r = in.width();
    boolean withRef = loss.klCoef() > 0;
    GrpoLoss grpo = new GrpoLoss(loss);
    float[] old = new float[b * r];
    float[] ref = withRef ? new float[b * r] : null;
    float[] counted = new float[b * r];
    float[] weights = new float[b * r];
    float[] advantages = new float[b];
    for (int i = 0; i < b; i++) {
      PolicySample s = share.get(i);
      advantages[i] = (float) s.advantage();
      if (withRef && s.refLogp() == null) {
        throw new IllegalArgumentException("klCoef > 0 needs every sample's refLogp");
      }
      float w = s.counted() ? (float) grpo.tokenWeight(s.countedTokens(), whole) : 0f;
      for (int t = 0; t < s.response().length; t++) {
        old[i * r + t] = s.oldLogp()[t];
        counted[i * r + t] = s.counted() ? 1f : 0f;
        weights[i * r + t] = w;
        if (withRef) {
          ref[i * r + t] = s.refLogp()[t];
        }
      }
    }
    float[][] before = new float[b][];
    for (int i = 0; i < b; i++) {
      before[i] = new float[share.get(i).response().length];
    }
    List<Stats> chunks =
        ChunkedLossBackward.run(
            policy,
            m,
            in,
            temperature,
            loss.entropyCoef() > 0 ? TokenLogprobs.Entropy.GRADIENT : TokenLogprobs.Entropy.VALUE,
            memory,
            (cm, scores, from, to) -> {
              NDArray mask = in.slice(cm, counted, from, to);
              GrpoLoss.Sums sums =
                  grpo.weighted(
                      scores.logp(),
                      in.slice(cm, old, from, to),
                      withRef ? in.slice(cm, ref, from, to) : null,
                      JavaArrays.tensor(cm, advantages),
                      mask,
                      in.slice(cm, weights, from, to),
                      scores.entropy());
              keep(scores.logp().stopGradient().toFloatArray(), before, from, to);
              double entropySum = scores.entropy().stopGradient().mul(mask).sum().getFloat();
              return new ChunkedLossBackward.Chunk<>(
                  sums.loss(),
                  new Stats(
                      sums.loss().getFloat(),
                      sums.tokens(),
                      entropySum,
                      sums.kl(),
                      sums.clipLow(),
                      sums.clipHigh(),
                      sums.clipDual(),
                      sums.ratio(),
                      List.of()));
            });
    Stats lane = sum(chunks);
    return new Stats(
        lane.loss(),
        lane.tokens(),
        lane.entropySum(),
        lane.klSum(),
        lane.clipLowSum(),
        lane.clipHighSum(),
        lane.clipDualSum(),
        lane.ratioSum(),
        java.util.Arrays.asList(before));
  }

  /** Copies a chunk's [B, to - from] log-probs into each response's own array. */
  private static void keep(float[] chunk, float[][] into, int from, int to) {
    int n = to - from;
    for (int b = 0; b < into.length; b++) {
      int len = Math.min(n, into[b].length - from);
      if (len > 0) {
        System.arraycopy(chunk, b * n, into[b], from, len);
      }
    }
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
