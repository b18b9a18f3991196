package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;

/**
 * Token ids, positions and the additive attention mask for a padded batch. {@code valid[b][s]} says
 * whether slot s of sequence b holds a real token (padding may sit anywhere, e.g. on the left of
 * shorter prompts). A token's position is the number of real tokens before it; a query at slot s
 * attends to real keys at slots {@code <= s}.
 */
public final class AttentionInputs {
  /** Added to masked attention scores. */
  public static final float MASKED = -1e9f;

  private AttentionInputs() {}

  /** ids[b][from..to) as an int64 array [B, to - from]. */
  public static NDArray ids(NDManager m, int[][] tokens, int from, int to) {
    long[] out = new long[tokens.length * (to - from)];
    int k = 0;
    for (int[] row : tokens) {
      for (int s = from; s < to; s++) {
        out[k++] = row[s];
      }
    }
    return JavaArrays.tensor(m, out, new Shape(tokens.length, to - from));
  }

  /** Positions of slots [from, to) as int64 [B, to - from]; padding slots get 0. */
  public static NDArray positions(NDManager m, boolean[][] valid, int from, int to) {
    long[] out = new long[valid.length * (to - from)];
    int k = 0;
    for (boolean[] row : valid) {
      int before = 0;
      for (int s = 0; s < to; s++) {
        if (s >= from) {
          out[k++] = row[s] ? before : 0;
        }
        if (row[s]) {
          before++;
        }
      }
    }
    return JavaArrays.tensor(m, out, new Shape(valid.length, to - from));
  }

  /** The mask for queries at slots [from, to) over keys at slots [0, to): [B, 1, T, to]. */
  public static NDArray bias(NDManager m, boolean[][] valid, int from, int to) {
    int t = to - from;
    float[] out = new float[valid.length * t * to];
    int k = 0;
    for (boolean[] row : valid) {
      for (int q = from; q < to; q++) {
        for (int key = 0; key < to; key++) {
          out[k++] = row[key] && key <= q ? 0f : MASKED;
        }
      }
    }
    return JavaArrays.tensor(m, out, new Shape(valid.length, 1, t, to));
  }
}
