package io.prorl.engine.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.model.Trunk;
import java.util.Arrays;
import java.util.List;

/**
 * A padded batch of sequences and the window of slots whose hidden states predict the tokens a loss
 * or a score is taken over: slots {@code [first, first + width)} of every row predict {@code
 * targets} (row-major [B, width]), {@code mask} 1 where a real token is predicted. The model runs
 * slots {@code [0, first + width)}.
 *
 * @param tokens [B][first + width] token ids (padding anywhere, marked in {@code valid})
 * @param valid whether each slot holds a real token
 */
public record PredictionBatch(
    int[][] tokens, boolean[][] valid, int first, int width, long[] targets, float[] mask) {

  public int batch() {
    return tokens.length;
  }

  /**
   * Responses after their prompts: prompts left-padded to the longest prompt p, responses
   * right-padded to the longest response r, so response token j of every row sits at slot p + j and
   * is predicted by slot p + j - 1; the last slot predicts nothing scored and is not run.
   */
  public static PredictionBatch responses(List<int[]> prompts, List<int[]> responses) {
    if (prompts.size() != responses.size() || prompts.isEmpty()) {
      throw new IllegalArgumentException(
          "need one response per prompt, got " + prompts.size() + " and " + responses.size());
    }
    int batch = prompts.size();
    int p = prompts.stream().mapToInt(a -> a.length).max().orElseThrow();
    int r = Math.max(1, responses.stream().mapToInt(a -> a.length).max().orElseThrow());
    int run = p + r - 1;
    int[][] tokens = new int[batch][run];
    boolean[][] valid = new boolean[batch][run];
    long[] targets = new long[batch * r];
    float[] mask = new float[batch * r];
    for (int b = 0; b < batch; b++) {
      int[] prompt = prompts.get(b);
      int[] response = responses.get(b);
      if (prompt.length == 0) {
        throw new IllegalArgumentException("prompt " + b + " is empty");
      }
      System.arraycopy(prompt, 0, tokens[b], p - prompt.length, prompt.length);
      System.arraycopy(response, 0, tokens[b], p, Math.max(0, Math.min(response.length, run - p)));
      Arrays.fill(valid[b], p - prompt.length, Math.min(run, p + response.length), true);
      for (int j = 0; j < response.length; j++) {
        targets[b * r + j] = response[j];
        mask[b * r + j] = 1f;
      }
    }
    return new PredictionBatch(tokens, valid, p - 1, r, targets, mask);
  }

  /**
   * Sequences predicting their own next tokens (a language-modelling loss): slot j of row i
   * predicts token j + 1, weighted by {@code weights.get(i)[j]}, right-padded to the longest.
   *
   * @param weights per row, the weight of each prediction ({@code sequence.length - 1} of them)
   */
  public static PredictionBatch nextTokens(List<int[]> sequences, List<float[]> weights) {
    int batch = sequences.size();
    int t = sequences.stream().mapToInt(a -> a.length).max().orElseThrow() - 1;
    int[][] tokens = new int[batch][t];
    boolean[][] valid = new boolean[batch][t];
    long[] targets = new long[batch * t];
    float[] weight = new float[batch * t];
    for (int i = 0; i < batch; i++) {
      int[] s = sequences.get(i);
      for (int j = 0; j + 1 < s.length; j++) {
        tokens[i][j] = s[j];
        valid[i][j] = true;
        targets[i * t + j] = s[j + 1];
        weight[i * t + j] = weights.get(i)[j];
      }
    }
    return new PredictionBatch(tokens, valid, 0, t, targets, weight);
  }

  /** Slots the model runs: {@code first + width}. */
  public int run() {
    return first + width;
  }

  /** The training forward of the batch's slots ({@link Qwen2Model#trunk}). */
  public Trunk trunk(Qwen2Model model, NDManager m, boolean recompute) {
    return model.trunk(
        AttentionInputs.ids(m, tokens, 0, run()),
        AttentionInputs.positions(m, valid, 0, run()),
        AttentionInputs.bias(m, valid, 0, run()),
        recompute);
  }

  /**
   * The final hidden states of the predicting slots, [B, width, D] (with gradient in grad mode).
   */
  public NDArray predicting(Qwen2Model model, NDManager m) {
    return window(trunk(model, m, false).hidden());
  }

  /** The predicting slots of final hidden states [B, run, D]: [B, width, D]. */
  public NDArray window(NDArray hidden) {
    return hidden.get(new NDIndex(":, {}:{}, :", first, run()));
  }

  /** Targets of window positions [from, to) as int64 [B, to - from, 1]. */
  public NDArray targets(NDManager m, int from, int to) {
    int n = to - from;
    long[] out = new long[batch() * n];
    for (int b = 0; b < batch(); b++) {
      System.arraycopy(targets, b * width + from, out, b * n, n);
    }
    return JavaArrays.tensor(m, out, new Shape(batch(), n, 1));
  }

  /** Per-position values [B * width] of window positions [from, to) as float32 [B, to - from]. */
  public NDArray slice(NDManager m, float[] values, int from, int to) {
    int n = to - from;
    float[] out = new float[batch() * n];
    for (int b = 0; b < batch(); b++) {
      System.arraycopy(values, b * width + from, out, b * n, n);
    }
    return JavaArrays.tensor(m, out, new Shape(batch(), n));
  }
}
