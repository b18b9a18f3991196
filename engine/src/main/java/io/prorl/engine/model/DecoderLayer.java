package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

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

  /**
   * @param queryChunk queries whose attention scores are formed at once (0: all)
   */
  NDArray forward(NDArray x, NDArray[] rope, NDArray bias, KvCache.Layer cache, int queryChunk) {
    NDArray h = x.add(attention.forward(inputNorm.apply(x), rope, bias, cache, queryChunk));
    return rest(h);
  }

  private NDArray rest(NDArray h) {
    return h.add(mlp.apply(postAttentionNorm.apply(h)));
  }

  /**
   * Activation recompute: the layer's forward from its saved input, differentiated in three stages
   * so that no more than one query chunk's [B, h, chunk, S] attention probabilities is kept for
   * backward at a time. Accumulates the layer's parameters' gradients and returns dL/dx given
   * {@code upstream} = dL/dy:
   *
   * <pre>
   *   A: x -> (q, k, v) = project(norm1(x))           (q, k, v cut into leaves q', k', v')
   *   B: a = attend(q', k', v') without gradient, cut into the leaf a';
   *      y = h + mlp(norm2(h)), h = x + output(a')     backward sum(y * dL/dy): dL/da', dL/dx (residual)
   *   C: per query chunk c: backward sum(attend_c(q', k', v') * dL/da'_c): dL/dq', dL/dk', dL/dv'
   *   A: backward sum(q dL/dq' + k dL/dk' + v dL/dv'): dL/dx (through the projections)
   * </pre>
   *
   * Grad mode must be on.
   */
  NDArray backwardRecomputed(
      NDArray input, NDArray[] rope, NDArray bias, NDArray upstream, int queryChunk) {
    NDArray x = Autograd.leaf(input);
    NDArray[] qkv = attention.project(inputNorm.apply(x), rope, null);
    NDArray[] leaves = {Autograd.leaf(qkv[0]), Autograd.leaf(qkv[1]), Autograd.leaf(qkv[2])};
    NDArray heads =
        Autograd.leaf(
            Autograd.withoutGradient(() -> attention.attendAll(leaves, bias, queryChunk)));
    NDArray y = rest(x.add(attention.output(heads)));
    Autograd.backward(Autograd.seeded(y, upstream));
    NDArray dHeads = heads.getGradient();
    long t = dHeads.getShape().get(2);
    long step = queryChunk <= 0 ? t : queryChunk;
    for (long from = 0; from < t; from += step) {
      long to = Math.min(t, from + step);
      try (NDScope chunk = new NDScope()) { // the chunk's probabilities die with its backward
        chunk.suppressNotUsedWarning();
        NDArray part = attention.attend(leaves, bias, from, to);
        Autograd.backward(
            Autograd.seeded(part, dHeads.get(new NDIndex(":, :, {}:{}, :", from, to))));
      }
    }
    Autograd.backward(
        Autograd.seeded(qkv[0], leaves[0].getGradient())
            .add(Autograd.seeded(qkv[1], leaves[1].getGradient()))
            .add(Autograd.seeded(qkv[2], leaves[2].getGradient())));
    return x.getGradient();
  }
}
