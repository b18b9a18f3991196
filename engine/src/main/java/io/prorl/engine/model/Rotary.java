package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.prorl.engine.JavaArrays;

/**
 * Rotary position embedding as in HF Qwen2 ("rotate half"): for head size d and position p, the
 * frequencies are inv_i = theta^(-2i/d), i < d/2, the angles p * inv, and
 *
 * <pre>
 *   rope(x) = x * cos + rotate_half(x) * sin,   rotate_half([x1, x2]) = [-x2, x1]
 * </pre>
 *
 * with cos and sin of the angles repeated over both halves.
 */
final class Rotary {
  private final int headDim;
  private final float[] invFreq;

  Rotary(int headDim, double theta) {
    this.headDim = headDim;
    this.invFreq = new float[headDim / 2];
    for (int i = 0; i < invFreq.length; i++) {
      invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
    }
  }

  /** cos and sin for positions [B, T], each shaped [B, 1, T, headDim] to broadcast over heads. */
  NDArray[] cosSin(NDArray positions) {
    NDManager m = positions.getManager();
    NDArray inv = JavaArrays.tensor(m, invFreq);
    NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv);
    NDArray both = NDArrays.concat(new ai.djl.ndarray.NDList(angles, angles), -1).expandDims(1);
    return new NDArray[] {both.cos(), both.sin()};
  }

  /** Applies the rotation to x of shape [B, heads, T, headDim]. */
  NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    int half = headDim / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = NDArrays.concat(new ai.djl.ndarray.NDList(x2.neg(), x1), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
