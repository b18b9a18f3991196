package io.prorl.engine.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * How a training forward and backward bound their memory (ProRL trains on responses of 8k-16k
 * tokens); every setting gives the same loss and gradient, at a cost in time.
 *
 * @param logitChunk positions (over the whole micro-batch) the LM head runs on at once, with a
 *     two-stage backward ({@link ChunkedLossBackward}): [chunk, V] logits at most instead of [B, R,
 *     V]; 0 = the whole batch at once (verl's chunked log-probs use 512-1,024)
 * @param microBatchTokens padded tokens (prompt + response slots) per forward: a mini-batch (one
 *     optimizer update) is cut into micro-batches whose gradients accumulate (verl's {@code
 *     use_dynamic_bsz} token budget); 0 = the whole mini-batch at once. A sequence longer than the
 *     budget runs alone.
 * @param recompute keep one hidden state per layer and recompute each layer in the backward, its
 *     attention by query chunks ({@link io.prorl.engine.model.Trunk}): one more forward's time
 */
public record TrainingMemory(int logitChunk, int microBatchTokens, boolean recompute) {

  /** The defaults of the TrainPhase and WarmStart tasks. */
  public static final TrainingMemory DEFAULTS = new TrainingMemory(1024, 16_384, false);

  /** Everything at once: the whole mini-batch's logits and activations, kept for backward. */
  public static final TrainingMemory NAIVE = new TrainingMemory(0, 0, false);

  public TrainingMemory {
    List<String> bad = violations(logitChunk, microBatchTokens);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /** The rules, each message naming its field (a null value is not known yet). */
  public static List<String> violations(Integer logitChunk, Integer microBatchTokens) {
    List<String> out = new ArrayList<>();
    if (logitChunk != null && logitChunk < 0) {
      out.add("logitChunk must be >= 0 (0 = no chunking), got " + logitChunk);
    }
    if (microBatchTokens != null && microBatchTokens < 0) {
      out.add("microBatchTokens must be >= 0 (0 = the whole mini-batch), got " + microBatchTokens);
    }
    return out;
  }

  /**
   * Cuts items (in order) into micro-batches of consecutive items whose padded size stays within
   * {@link #microBatchTokens}: a micro-batch of items i..j costs (j - i + 1) * (max prompt + max
   * response), since every row is padded to the longest. Each micro-batch holds at least one item.
   *
   * @return [from, to) ranges covering all items
   */
  public List<int[]> microBatches(int[] promptLengths, int[] responseLengths) {
    List<int[]> out = new ArrayList<>();
    int n = promptLengths.length;
    if (microBatchTokens == 0) {
      out.add(new int[] {0, n});
      return out;
    }
    int from = 0;
    while (from < n) {
      int to = from + 1;
      int p = promptLengths[from];
      int r = responseLengths[from];
      while (to < n) {
        int np = Math.max(p, promptLengths[to]);
        int nr = Math.max(r, responseLengths[to]);
        if ((long) (to - from + 1) * (np + nr) > microBatchTokens) {
          break;
        }
        p = np;
        r = nr;
        to++;
      }
      out.add(new int[] {from, to});
      from = to;
    }
    return out;
  }
}
