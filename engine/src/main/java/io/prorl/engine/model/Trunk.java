package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;

/**
 * The decoder stack of a training forward: the final hidden states of a batch, and the backward of
 * a scalar computed from them into every parameter below the LM head.
 *
 * <p>Without recompute, autograd keeps every layer's activations ([B, h, T, S] attention
 * probabilities among them) from the forward to the backward. With recompute (gradient
 * checkpointing), the forward runs without gradient and keeps one hidden state [B, T, D] per layer;
 * the backward recomputes one layer at a time from its saved input ({@link
 * DecoderLayer#backwardRecomputed}), its attention by query chunks of {@link #QUERY_CHUNK}:
 *
 * <pre>
 *   forward:  x_0 = embed(ids), x_{i+1} = layer_i(x_i) (no gradient, x_i kept), h = norm(leaf(x_L))
 *   backward: g_L = dL/dx_L from backward(L); g_i = layer_i' backward(x_i, g_{i+1}); then
 *             backward sum(embed(ids) * g_0)
 * </pre>
 *
 * Both give the same gradient (TrunkTest); recompute costs one more forward.
 */
public final class Trunk {
  /** Queries whose attention scores are formed at once under recompute. */
  public static final int QUERY_CHUNK = 1024;

  private final Qwen2Model model;
  private final NDArray ids;
  private final NDArray[] rope;
  private final NDArray bias;
  private final List<NDArray> saved;
  private final NDArray top;
  private final NDArray hidden;
  private final int queryChunk;

  private Trunk(
      Qwen2Model model,
      NDArray ids,
      NDArray[] rope,
      NDArray bias,
      List<NDArray> saved,
      NDArray top,
      NDArray hidden,
      int queryChunk) {
    this.model = model;
    this.ids = ids;
    this.rope = rope;
    this.bias = bias;
    this.saved = saved;
    this.top = top;
    this.hidden = hidden;
    this.queryChunk = queryChunk;
  }

  /**
   * Runs the forward; grad mode must be on (the caller's lane). Arrays go to the caller's scope.
   *
   * @param bias the additive attention mask [B, 1, T, T], or null
   * @param recompute keep one hidden state per layer and recompute the rest in {@link #backward}
   * @param queryChunk queries whose attention scores are formed at once under recompute
   */
  static Trunk of(
      Qwen2Model model,
      NDArray ids,
      NDArray positions,
      NDArray bias,
      boolean recompute,
      int queryChunk) {
    if (queryChunk < 1) {
      throw new IllegalArgumentException("queryChunk must be >= 1, got " + queryChunk);
    }
    if (!recompute) {
      return new Trunk(
          model, ids, null, bias, null, null, model.hidden(ids, positions, bias, null), queryChunk);
    }
    NDArray[] rope = model.rotary().tables(positions);
    List<NDArray> saved = new java.util.ArrayList<>();
    NDArray last =
        Autograd.withoutGradient(() -> {
          NDArray x = model.embedding().get(ids);
          for (DecoderLayer layer : model.layers()) {
            saved.add(x);
            x = inLayerScope(() -> layer.forward(saved.getLast(), rope, bias, null, queryChunk));
          }
          return x;
        });
    NDArray top = Autograd.leaf(last);
    return new Trunk(model, ids, rope, bias, saved, top, model.finalNorm().apply(top), queryChunk);
  }

  /** The final hidden states [B, T, D] (after the last norm), differentiable. */
  public NDArray hidden() {
    return hidden;
  }

  /**
   * Back-propagates {@code scalar}, a function of {@link #hidden()}, into every parameter's
   * gradient (accumulating). Call once.
   */
  public void backward(NDArray scalar) {
    Autograd.backward(scalar);
    if (saved == null) {
      return;
    }
    NDArray g = top.getGradient();
    List<DecoderLayer> layers = model.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      NDArray upstream = g;
      int layer = i;
      g =
          inLayerScope(() ->
              layers
                  .get(layer)
                  .backwardRecomputed(saved.get(layer), rope, bias, upstream, queryChunk));
      // what backward no longer needs is freed now, not when the caller's scope closes
      saved.set(i, null).close();
      upstream.close();
    }
    Autograd.backward(Autograd.seeded(model.embedding().get(ids), g));
  }

  /** Runs a layer's work in its own scope, keeping only its result (in the caller's scope). */
  private static NDArray inLayerScope(java.util.function.Supplier<NDArray> body) {
    NDArray out;
    try (NDScope layer = new NDScope()) {
      layer.suppressNotUsedWarning();
      out = body.get();
      NDScope.unregister(out);
    }
    NDScope.register(out);
    return out;
  }
}
