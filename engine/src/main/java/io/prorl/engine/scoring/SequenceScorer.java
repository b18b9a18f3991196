package io.prorl.engine.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.JavaArrays;
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
  /**
   * Positions (over the whole batch) the LM head runs on at once in the no-gradient log-probs:
   * [LOGIT_CHUNK, V] logits at most (verl's chunked log-probs use 512-1,024).
   */
  public static final int LOGIT_CHUNK = TrainingMemory.DEFAULTS.logitChunk();

  private final Qwen2Model model;
  private final int lanes;
  private final int logitChunk;

  public SequenceScorer(Qwen2Model model) {
    this(model, Lanes.configured());
  }

  /**
   * @param lanes threads {@link #logprobs} splits its batch across
   */
  public SequenceScorer(Qwen2Model model, int lanes) {
    this(model, lanes, LOGIT_CHUNK);
  }

  /**
   * @param logitChunk positions the LM head runs on at once in {@link #logprobs} (0: all)
   */
  public SequenceScorer(Qwen2Model model, int lanes, int logitChunk) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    if (logitChunk < 0) {
      throw new IllegalArgumentException(
          "logitChunk must be >= 0 (0 = no chunking), got " + logitChunk);
    }
    this.model = model;
    this.lanes = lanes;
    this.logitChunk = logitChunk;
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

  private Scored score(
      NDManager manager,
      List<int[]> prompts,
      List<int[]> responses,
      double temperature,
      boolean withEntropy) {
    PredictionBatch in = PredictionBatch.responses(prompts, responses);
    NDArray mask = JavaArrays.tensor(manager, in.mask(), new Shape(in.batch(), in.width()));
    TokenLogprobs scores =
        TokenLogprobs.of(
            model.logits(in.predicting(model, manager)),
            in.targets(manager, 0, in.width()),
            temperature,
            withEntropy ? TokenLogprobs.Entropy.GRADIENT : TokenLogprobs.Entropy.NONE);
    return new Scored(
        scores.logp().mul(mask), withEntropy ? scores.entropy().mul(mask) : null, mask);
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

  /**
   * No-gradient log-probs with the LM head run on at most {@link #LOGIT_CHUNK} positions at a time:
   * the [B, r, V] logits of a long response at a 151,936-token vocabulary never exist whole, only
   * [positions, V] of one chunk, freed before the next.
   */
  private float[][] logprobsOf(List<int[]> prompts, List<int[]> responses, double temperature) {
    // the scope frees every intermediate, also those that ops attach to the model's own manager
    try (NDManager m = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      PredictionBatch in = PredictionBatch.responses(prompts, responses);
      NDArray predicting = in.predicting(model, m);
      int step = logitChunk == 0 ? in.width() : Math.max(1, logitChunk / in.batch());
      float[][] out = new float[in.batch()][];
      for (int b = 0; b < out.length; b++) {
        out[b] = new float[responses.get(b).length];
      }
      for (int from = 0; from < in.width(); from += step) {
        int to = Math.min(in.width(), from + step);
        int n = to - from;
        try (NDScope chunk = new NDScope()) {
          chunk.suppressNotUsedWarning();
          float[] flat =
              TokenLogprobs.of(
                      model.logits(predicting.get(new NDIndex(":, {}:{}, :", from, to))),
                      in.targets(m, from, to),
                      temperature,
                      TokenLogprobs.Entropy.NONE)
                  .logp()
                  .toType(DataType.FLOAT32, false)
                  .toFloatArray();
          for (int b = 0; b < in.batch(); b++) {
            int len = Math.min(n, out[b].length - from);
            if (len > 0) {
              System.arraycopy(flat, b * n, out[b], from, len);
            }
          }
        }
      }
      return out;
    }
  }
}
