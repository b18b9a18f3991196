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
  /**
   * Positions (over the whole batch) the LM head runs on at once in the no-gradient log-probs:
   * [LOGIT_CHUNK, V] logits at most (verl's chunked log-probs use 512-1,024).
   */
  public static final int LOGIT_CHUNK = 1024;

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
   * @param logitChunk positions the LM head runs on at once in {@link #logprobs}
   */
  public SequenceScorer(Qwen2Model model, int lanes, int logitChunk) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    if (logitChunk < 1) {
      throw new IllegalArgumentException("logitChunk must be at least 1, got " + logitChunk);
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

  /**
   * Prompts left-padded to the longest prompt {@code p}, responses right-padded to the longest
   * response {@code r}: ids and validity of every slot, the response tokens as targets, and a mask
   * of the real ones.
   */
  private record Padded(
      int batch, int p, int r, int[][] tokens, boolean[][] valid, long[] targets, float[] mask) {

    static Padded of(List<int[]> prompts, List<int[]> responses) {
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
      float[] mask = new float[batch * r];
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
          mask[b * r + j] = 1f;
        }
      }
      return new Padded(batch, p, r, tokens, valid, targets, mask);
    }

    /** The final hidden states of the slots that predict response tokens, [B, r, D]. */
    NDArray predicting(Qwen2Model model, NDManager manager) {
      // the last slot predicts nothing we score: run slots [0, p + r - 1)
      int run = p + r - 1;
      NDArray hidden =
          model.hidden(
              AttentionInputs.ids(manager, tokens, 0, run),
              AttentionInputs.positions(manager, valid, 0, run),
              AttentionInputs.bias(manager, valid, 0, run),
              null);
      return hidden.get(new NDIndex(":, {}:{}, :", p - 1, run));
    }
  }

  private Scored score(
      NDManager manager,
      List<int[]> prompts,
      List<int[]> responses,
      double temperature,
      boolean withEntropy) {
    Padded in = Padded.of(prompts, responses);
    NDArray logits = model.logits(in.predicting(model, manager));
    if (temperature != 1.0) {
      logits = logits.div(JavaArrays.scalar(logits.getManager(), temperature));
    }
    NDArray logSoftmax = logits.logSoftmax(-1);
    NDArray mask = JavaArrays.tensor(manager, in.mask(), new Shape(in.batch(), in.r()));
    NDArray target = JavaArrays.tensor(manager, in.targets(), new Shape(in.batch(), in.r(), 1));
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
      Padded in = Padded.of(prompts, responses);
      NDArray predicting = in.predicting(model, m);
      int step = Math.max(1, logitChunk / in.batch());
      float[][] out = new float[in.batch()][];
      for (int b = 0; b < out.length; b++) {
        out[b] = new float[responses.get(b).length];
      }
      for (int from = 0; from < in.r(); from += step) {
        int to = Math.min(in.r(), from + step);
        int n = to - from;
        try (NDScope chunk = new NDScope()) {
          chunk.suppressNotUsedWarning();
          NDArray logits = model.logits(predicting.get(new NDIndex(":, {}:{}, :", from, to)));
          if (temperature != 1.0) {
            logits = logits.div(JavaArrays.scalar(m, temperature));
          }
          long[] targets = new long[in.batch() * n];
          for (int b = 0; b < in.batch(); b++) {
            System.arraycopy(in.targets(), b * in.r() + from, targets, b * n, n);
          }
          float[] flat =
              logits
                  .logSoftmax(-1)
                  .gather(JavaArrays.tensor(m, targets, new Shape(in.batch(), n, 1)), 2)
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
