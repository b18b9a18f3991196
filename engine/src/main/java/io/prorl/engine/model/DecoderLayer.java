package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;

/** Pre-norm transformer block: x + attn(norm1(x)), then + mlp(norm2(x)). */
final class DecoderLayer {
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final Mlp mlp;

  DecoderLayer(RmsNorm inputNorm, Attention attention, RmsNorm postAttentionNorm, Mlp mlp) {
    this.inputNorm = inputNorm;
    this.attention = attention;
    this.postAttentionNorm = postAttentionNorm;
    this.mlp = mlp;
  }

  NDArray forward(NDArray x, NDArray[] rope, NDArray bias, KvCache.Layer cache) {
    NDArray h = x.add(attention.forward(inputNorm.apply(x), rope, bias, cache));
    return h.add(mlp.apply(postAttentionNorm.apply(h)));
  }
}
