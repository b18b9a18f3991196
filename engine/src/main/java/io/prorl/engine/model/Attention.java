package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

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
 * <p>where bias is the additive causal and padding mask (0 or -1e9). The three parts ({@link
 * #project}, {@link #attend}, {@link #output}) are separate so that activation recompute ({@link
 * DecoderLayer#backwardRecomputed}) can differentiate them one at a time and the [T, S] scores by
 * query chunks.
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
   * @param queryChunk queries whose scores are formed at once (0: all T); each chunk's scores are
   *     released before the next is formed, which bounds the transient [chunk, S] scores when no
   *     gradient is kept
   */
  NDArray forward(NDArray x, NDArray[] rope, NDArray bias, KvCache.Layer cache, int queryChunk) {
    NDArray[] qkv = project(x, rope, cache);
    return output(attendAll(qkv, bias, queryChunk));
  }

  /**
   * The rotated query heads [B, h, T, d] (already scaled by 1 / sqrt(d_head), {@link
   * Rotary#tables}), and the key and value heads [B, kv, S, d] (with the cache's, when there is
   * one).
   */
  NDArray[] project(NDArray x, NDArray[] rope, KvCache.Layer cache) {
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
    NDArray kh = qAndK.get(1);
    NDArray vh = qkAndV.get(1);
    if (cache != null) {
      NDArray[] kv = cache.append(kh, vh);
      kh = kv[0];
      vh = kv[1];
    }
    return new NDArray[] {qAndK.get(0), kh, vh};
  }

  /** {@link #attend} over all queries, {@code queryChunk} at a time (0: at once): [B, h, T, d]. */
  NDArray attendAll(NDArray[] qkv, NDArray bias, int queryChunk) {
    long t = qkv[0].getShape().get(2);
    if (queryChunk <= 0 || t <= queryChunk) {
      return attend(qkv, bias, 0, t);
    }
    NDList parts = new NDList();
    for (long from = 0; from < t; from += queryChunk) {
      long to = Math.min(t, from + queryChunk);
      try (NDScope chunk = new NDScope()) { // the chunk's [B, h, chunk, S] scores die here
        chunk.suppressNotUsedWarning();
        NDArray part = attend(qkv, bias, from, to);
        NDScope.unregister(part);
        parts.add(part);
      }
    }
    parts.forEach(NDScope::register);
    return NDArrays.concat(parts, 2);
  }

  /**
   * The attention output of queries [from, to): [B, h, to - from, d]. Grouped query attention
   * without copying keys and values per group: the g = h / kv query heads of a kv head are
   * consecutive, so q [B, h, n, d] reads as [B, kv, g n, d].
   */
  NDArray attend(NDArray[] qkv, NDArray bias, long from, long to) {
    NDArray qh = qkv[0];
    long b = qh.getShape().get(0);
    long t = qh.getShape().get(2);
    long n = to - from;
    if (from != 0 || to != t) {
      qh = qh.get(new NDIndex(":, :, {}:{}, :", from, to));
      bias = bias == null ? null : bias.get(new NDIndex(":, :, {}:{}, :", from, to));
    }
    long g = numHeads / numKvHeads;
    NDArray scores = qh.reshape(b, numKvHeads, g * n, headDim).matMul(qkv[1].transpose(0, 1, 3, 2));
    long s = scores.getShape().get(3);
    if (bias != null) {
      scores = scores.reshape(b, numHeads, n, s).add(bias);
    }
    return scores
        .softmax(-1)
        .reshape(b, numKvHeads, g * n, s)
        .matMul(qkv[2])
        .reshape(b, numHeads, n, headDim);
  }

  /** The output projection of the heads' outputs [B, h, T, d]: [B, T, D]. */
  NDArray output(NDArray heads) {
    long b = heads.getShape().get(0);
    long t = heads.getShape().get(2);
    return o.apply(heads.transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim));
  }
}
