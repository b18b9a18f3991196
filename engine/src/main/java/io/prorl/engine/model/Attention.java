package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Grouped-query self-attention with q/k/v bias (Qwen2): numHeads query heads share numKvHeads
 * key/value heads, each kv head serving numHeads/numKvHeads consecutive query heads.
 *
 * <pre>
 *   att = softmax(q k^T / sqrt(d_head) + bias) v
 * </pre>
 *
 * Kernels per layer: one q/k/v projection, one rotation of the query and key heads together (which
 * also applies the 1 / sqrt(d_head)), two matmuls and a softmax over the kv heads' groups.
 *
 * <p>where bias is the additive causal and padding mask (0 or -1e9).
 */
final class Attention {
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear o;
  private final Rotary rotary;
  private final int numHeads;
  private final int numKvHeads;
  private final int headDim;

  Attention(Linear q, Linear k, Linear v, Linear o, Rotary rotary, ModelConfig config) {
    this.q = q;
    this.k = k;
    this.v = v;
    this.o = o;
    this.rotary = rotary;
    this.numHeads = config.numHeads();
    this.numKvHeads = config.numKvHeads();
    this.headDim = config.headDim();
  }

  /**
   * @param x [B, T, D]
   * @param rope rotary tables for the T new positions ({@link Rotary#tables})
   * @param bias additive mask [B, 1, T, S] over all S cached + new positions, or null for none
   * @param cache this layer's key/value cache, or null
   */
  NDArray forward(NDArray x, NDArray[] rope, NDArray bias, KvCache.Layer cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    // q, k and v in one projection, split by head: [B, h + 2 kv, T, d_head]; the rotation is
    // applied to the h + kv query and key heads at once
    NDArray heads =
        Linear.applyStacked(x, q, k, v)
            .reshape(b, t, numHeads + 2L * numKvHeads, headDim)
            .transpose(0, 2, 1, 3);
    NDList qkAndV = heads.split(new long[] {numHeads + numKvHeads}, 1);
    NDList qAndK = rotary.apply(qkAndV.get(0), rope).split(new long[] {numHeads}, 1);
    NDArray qh = qAndK.get(0);
    NDArray kh = qAndK.get(1);
    NDArray vh = qkAndV.get(1);
    if (cache != null) {
      NDArray[] kv = cache.append(kh, vh);
      kh = kv[0];
      vh = kv[1];
    }
    // grouped query attention without copying keys and values per group: the g = h / kv query
    // heads of a kv head are consecutive, so q [B, h, T, d] reads as [B, kv, g T, d]; q arrives
    // already scaled by 1 / sqrt(d_head) (Rotary#tables)
    long g = numHeads / numKvHeads;
    NDArray scores = qh.reshape(b, numKvHeads, g * t, headDim).matMul(kh.transpose(0, 1, 3, 2));
    long s = scores.getShape().get(3);
    if (bias != null) {
      scores = scores.reshape(b, numHeads, t, s).add(bias);
    }
    NDArray out =
        scores
            .softmax(-1)
            .reshape(b, numKvHeads, g * t, s)
            .matMul(vh)
            .reshape(b, numHeads, t, headDim);
    return o.apply(out.transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim));
  }
}
