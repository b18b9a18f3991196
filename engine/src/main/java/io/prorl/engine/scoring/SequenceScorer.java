package io.prorl.engine.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.parallel.Lanes;
import java.util.Arrays;
import java.util.List;

/**
 * Per-token log-probabilities and entropies of responses given their prompts, batched and masked.
 * Prompts are left-padded to the longest prompt P and responses right-padded to the longest
 * response R, so response token j of every sequence sits at slot P + j and is predicted by the
 * hidden state at slot P + j - 1. Only those R hidden states go through the LM head.
 *
 * <pre>
 *   logp_t    = log softmax(z_t / T)[token_t]
 *   entropy_t = - sum_v softmax(z_t / T)_v * log softmax(z_t / T)_v
 * </pre>
 *
 * Called inside a {@code GradientCollector} the results carry gradients; outside, they do not.
 */
public final class SequenceScorer {
  private final Qwen2Model model;
  private final int lanes;

  public SequenceScorer(Qwen2Model model) {
    this(model, Lanes.configured());
  }

  /**
   * @param lanes threads {@link #logprobs} splits its batch across
   */
  public SequenceScorer(Qwen2Model model, int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    this.model = model;
    this.lanes = lanes;
  }

  /**
   * @param logprobs [B, R] log-probability of each response token (0 on padding)
   * @param entropy [B, R] entropy of each predicting distribution (0 on padding); null where not
   *     asked for
   * @param mask [B, R] 1 for real response tokens, 0 for padding
   */
  public record Scored(NDArray logprobs, NDArray entropy, NDArray mask) {}

  /**
   * @param manager owns the inputs built here (ids, positions, masks)
   * @param temperature the sampling temperature the responses were drawn at (1 for none)
   */
  public Scored score(
      NDManager manager, List<int[]> prompts, List<int[]> responses, double temperature) {
    return score(manager, prompts, responses, temperature, true);
  }

  /**
   * @param withEntropy false leaves {@link Scored#entropy()} null and skips its [B, R, V] pass
   */
  private Scored score(
      NDManager manager,
      List<int[]> prompts,
      List<int[]> responses,
      double temperature,
      boolean withEntropy) {
    if (prompts.size() != responses.size() || prompts.isEmpty()) {
      throw new IllegalArgumentException(
          "need one response per prompt, got " + prompts.size() + " and " + responses.size());
    }
    int batch = prompts.size();
    int p = prompts.stream().mapToInt(a -> a.length).max().orElseThrow();
    int r = Math.max(1, responses.stream().mapToInt(a -> a.length).max().orElseThrow());
    int total = p + r;
    int[][] tokens = new int[batch][total];
    boolean[][] valid = new boolean[batch][total];
    long[] targets = new long[batch * r];
    float[] maskValues = new float[batch * r];
    for (int b = 0; b < batch; b++) {
      int[] prompt = prompts.get(b);
      int[] response = responses.get(b);
      if (prompt.length == 0) {
        throw new IllegalArgumentException("prompt " + b + " is empty");
      }
      System.arraycopy(prompt, 0, tokens[b], p - prompt.length, prompt.length);
      System.arraycopy(response, 0, tokens[b], p, response.length);
      Arrays.fill(valid[b], p - prompt.length, p + response.length, true);
      for (int j = 0; j < response.length; j++) {
        targets[b * r + j] = response[j];
        maskValues[b * r + j] = 1f;
      }
    }
    // the last slot predicts nothing we score: run slots [0, total - 1)
    int run = total - 1;
    NDArray hidden =
        model.hidden(
            AttentionInputs.ids(manager, tokens, 0, run),
            AttentionInputs.positions(manager, valid, 0, run),
            AttentionInputs.bias(manager, valid, 0, run),
            null);
    NDArray predicting = hidden.get(new NDIndex(":, {}:{}, :", p - 1, run));
    NDArray logits = model.logits(predicting);
    if (temperature != 1.0) {
      logits = logits.div(JavaArrays.scalar(logits.getManager(), temperature));
    }
    NDArray logSoftmax = logits.logSoftmax(-1);
    NDArray mask = JavaArrays.tensor(manager, maskValues, new Shape(batch, r));
    NDArray target = JavaArrays.tensor(manager, targets, new Shape(batch, r, 1));
    NDArray logprobs = logSoftmax.gather(target, 2).squeeze(2).mul(mask);
    NDArray entropy =
        withEntropy ? logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg().mul(mask) : null;
    return new Scored(logprobs, entropy, mask);
  }

  /**
   * Log-probabilities without gradient and without the entropy (the KL term needs neither), as Java
   * arrays (one per response, its own length); the batch is split across {@link Lanes}.
   */
  public float[][] logprobs(List<int[]> prompts, List<int[]> responses, double temperature) {
    if (prompts.size() != responses.size()) {
      throw new IllegalArgumentException(
          "need one response per prompt, got " + prompts.size() + " and " + responses.size());
    }
    DjlEngine.gradientsOffOnThisThread();
    return Lanes.map(
            prompts.size(),
            lanes,
            Lanes.MIN_PER_LANE,
            (from, to) ->
                Arrays.asList(
                    logprobsOf(
                        prompts.subList(from, to), responses.subList(from, to), temperature)))
        .toArray(float[][]::new);
  }

  private float[][] logprobsOf(List<int[]> prompts, List<int[]> responses, double temperature) {
    // the scope frees every intermediate, also those that ops attach to the model's own manager
    try (NDManager m = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Scored s = score(m, prompts, responses, temperature, false);
      float[] flat = s.logprobs().toType(DataType.FLOAT32, false).toFloatArray();
      int r = (int) s.logprobs().getShape().get(1);
      float[][] out = new float[responses.size()][];
      for (int b = 0; b < out.length; b++) {
        out[b] = Arrays.copyOfRange(flat, b * r, b * r + responses.get(b).length);
      }
      return out;
    }
  }
}
