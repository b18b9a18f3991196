package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import io.prorl.engine.JavaArrays;

/**
 * Grouped-query self-attention with q/k/v bias (Qwen2): numHeads query heads share numKvHeads
 * key/value heads, each kv head serving numHeads/numKvHeads consecutive query heads.
 *
 * <pre>
 *   att = softmax(q k^T / sqrt(d_head) + bias) v
 * </pre>
 *
 * where bias is the additive causal and padding mask (0 or -1e9).
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
   * @param cosSin rotary tables for the T new positions
   * @param bias additive mask [B, 1, T, S] over all S cached + new positions, or null for none
   * @param cache this layer's key/value cache, or null
   */
  NDArray forward(NDArray x, NDArray[] cosSin, NDArray bias, KvCache.Layer cache) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray qh = heads(q.apply(x), b, t, numHeads);
    NDArray kh = heads(k.apply(x), b, t, numKvHeads);
    NDArray vh = heads(v.apply(x), b, t, numKvHeads);
    qh = rotary.apply(qh, cosSin[0], cosSin[1]);
    kh = rotary.apply(kh, cosSin[0], cosSin[1]);
    if (cache != null) {
      NDArray[] kv = cache.append(kh, vh);
      kh = kv[0];
      vh = kv[1];
    }
    int groups = numHeads / numKvHeads;
    if (groups > 1) {
      kh = kh.repeat(1, groups);
      vh = vh.repeat(1, groups);
    }
    NDArray scores =
        qh.matMul(kh.transpose(0, 1, 3, 2))
            .div(JavaArrays.scalar(qh.getManager(), Math.sqrt(headDim)));
    if (bias != null) {
      scores = scores.add(bias);
    }
    NDArray out = scores.softmax(-1).matMul(vh);
    return o.apply(out.transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim));
  }

  /** [B, T, heads * d_head] to [B, heads, T, d_head]. */
  private NDArray heads(NDArray x, long b, long t, int n) {
    return x.reshape(b, t, n, headDim).transpose(0, 2, 1, 3);
  }
}
