package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;
import java.util.Arrays;

/**
 * Rotary position embedding as in HF Qwen2 ("rotate half"): for head size d and position p, the
 * frequencies are inv_i = theta^(-2i/d), i < d/2, the angles p * inv, and
 *
 * <pre>
 *   rope(x) = x * cos + rotate_half(x) * sin,   rotate_half([x1, x2]) = [-x2, x1]
 * </pre>
 *
 * with cos and sin of the angles repeated over both halves. Query heads also take the attention's
 * score scale here, once per forward for every layer: rope(q) / sqrt(d), so q k^T / sqrt(d) =
 * (rope(q) / sqrt(d)) k^T.
 */
final class Rotary {
  private final int headDim;
  private final float[] invFreq;
  private final float[] headScale;

  /** R, row-major: x R = rotate_half(x) = [-x2, x1]. */
  private final float[] rotateHalf;

  /**
   * @param queryHeads heads whose rotation also scales by 1 / sqrt(headDim) (the attention's score
   *     scale, applied here once per forward instead of to every layer's scores)
   * @param keyHeads heads rotated without scaling, after the query heads
   */
  Rotary(int headDim, double theta, int queryHeads, int keyHeads) {
    this.headDim = headDim;
    this.headScale = new float[queryHeads + keyHeads];
    Arrays.fill(headScale, 0, queryHeads, (float) (1.0 / Math.sqrt(headDim)));
    Arrays.fill(headScale, queryHeads, headScale.length, 1f);
    int half = headDim / 2;
    this.rotateHalf = new float[headDim * headDim];
    for (int j = 0; j < half; j++) {
      rotateHalf[(j + half) * headDim + j] = -1f;
      rotateHalf[j * headDim + j + half] = 1f;
    }
    this.invFreq = new float[half];
    for (int i = 0; i < invFreq.length; i++) {
      invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
    }
  }

  /**
   * The tables for positions [B, T], made once per forward and shared by every layer: cos and sin,
   * each [B, queryHeads + keyHeads, T, headDim] and scaled per head, and the [headDim, headDim]
   * matrix R with x R = rotate_half(x) (R[j + d/2, j] = -1, R[j, j + d/2] = 1).
   */
  NDArray[] tables(NDArray positions) {
    NDManager m = positions.getManager();
    NDArray inv = JavaArrays.tensor(m, invFreq);
    NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv);
    NDArray both = NDArrays.concat(new ai.djl.ndarray.NDList(angles, angles), -1).expandDims(1);
    NDArray scale = JavaArrays.tensor(m, headScale, new Shape(1, headScale.length, 1, 1));
    return new NDArray[] {
      both.cos().mul(scale),
      both.sin().mul(scale),
      JavaArrays.tensor(m, rotateHalf, new Shape(headDim, headDim))
    };
  }

  /**
   * Rotates (and scales) x of shape [B, queryHeads + keyHeads, T, headDim]: x * cos + (x R) * sin,
   * four kernels for all heads (rotate_half by slicing, negating and concatenating took seven per
   * head group).
   */
  NDArray apply(NDArray x, NDArray[] tables) {
    return x.mul(tables[0]).add(x.matMul(tables[2]).mul(tables[1]));
  }
}
