package io.prorl.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.io.SafeTensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only transformer of the Qwen2 family: token embedding, {@code numLayers} pre-norm
 * blocks (grouped-query attention with rotary positions, SwiGLU MLP), a final RMSNorm and the LM
 * head (tied to the embedding when the config says so). Parameters carry HF names.
 */
public final class Qwen2Model implements AutoCloseable {
  private final ModelConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> parameters;
  private final NDArray embedding;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm finalNorm;
  private final NDArray lmHead;
  private final Rotary rotary;

  private Qwen2Model(ModelConfig config, NDManager manager, Map<String, NDArray> parameters) {
    this.config = config;
    this.manager = manager;
    this.parameters = parameters;
    this.rotary =
        new Rotary(config.headDim(), config.ropeTheta(), config.numHeads(), config.numKvHeads());
    this.embedding = parameters.get("model.embed_tokens.weight");
    for (int i = 0; i < config.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      Attention attention =
          new Attention(
              linear(p + "self_attn.q_proj", true),
              linear(p + "self_attn.k_proj", true),
              linear(p + "self_attn.v_proj", true),
              linear(p + "self_attn.o_proj", false),
              rotary,
              config);
      Mlp mlp =
          new Mlp(
              linear(p + "mlp.gate_proj", false),
              linear(p + "mlp.up_proj", false),
              linear(p + "mlp.down_proj", false));
      layers.add(
          new DecoderLayer(
              new RmsNorm(parameters.get(p + "input_layernorm.weight"), config.rmsNormEps()),
              attention,
              new RmsNorm(
                  parameters.get(p + "post_attention_layernorm.weight"), config.rmsNormEps()),
              mlp));
    }
    this.finalNorm = new RmsNorm(parameters.get("model.norm.weight"), config.rmsNormEps());
    this.lmHead = config.tieWordEmbeddings() ? embedding : parameters.get("lm_head.weight");
    // DJL's PyTorch arrays fill their shape, data type and device lazily on first use and publish
    // them without synchronization; two sampling lanes reading a weight's shape for the first time
    // at once could see a Shape whose dimensions are not yet visible (a NullPointerException in
    // NDArrays.concat, seen once in CI). Filling them here, before the model reaches any lane,
    // publishes them through the lane pool's hand-off. Parameters are updated in place, so they
    // stay.
    parameters.values().forEach(Qwen2Model::fillLazyFields);
  }

  /**
   * A freshly initialised model: linear and embedding weights ~ N(0, 0.02), biases 0, norms 1,
   * drawn in Java from {@code seed} so the same seed gives the same weights on any engine.
   */
  public static Qwen2Model initialize(ModelConfig config, long seed, Device device) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try {
      InitialWeights.generate(config, seed, tensors::put);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // the sink above does no I/O
    }
    return fromTensors(config, tensors, device);
  }

  /**
   * A model from named tensors; every tensor the config implies must be there with its shape.
   *
   * @throws IllegalArgumentException naming the missing tensor, or the tensor with the expected and
   *     the found shape
   */
  public static Qwen2Model fromTensors(
      ModelConfig config, Map<String, Tensor> tensors, Device device) {
    try {
      return fromSource(config, tensors::get, device);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a map does no I/O
    }
  }

  /** Gives the tensor of a name, or null when there is none; may read it from a file now. */
  @FunctionalInterface
  public interface TensorSource {
    Tensor get(String name) throws java.io.IOException;
  }

  /**
   * Gives the parameter of a name as an fp32 array created in {@code manager} (owned by PyTorch),
   * or null when there is none.
   */
  @FunctionalInterface
  public interface ArraySource {
    NDArray get(String name, NDManager manager) throws java.io.IOException;
  }

  /** A model whose tensors are asked of {@code source} one at a time, in checkpoint order. */
  public static Qwen2Model fromSource(ModelConfig config, TensorSource source, Device device)
      throws java.io.IOException {
    return fromArrays(
        config,
        (name, m) -> {
          Tensor t = source.get(name);
          return t == null ? null : JavaArrays.tensor(m, t.data(), new Shape(t.shape()));
        },
        device);
  }

  /**
   * A model whose parameters are asked of {@code source} one at a time, in checkpoint order, so a
   * loader holds at most one tensor's staging copy besides the model.
   *
   * @throws IllegalArgumentException naming the missing tensor, or the tensor with the expected and
   *     the found shape
   */
  public static Qwen2Model fromArrays(ModelConfig config, ArraySource source, Device device)
      throws java.io.IOException {
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : WeightLayout.of(config).entrySet()) {
        NDArray a = source.get(e.getKey(), manager);
        if (a == null && e.getKey().equals("lm_head.weight")) {
          throw new IllegalArgumentException(
              "weights have no lm_head.weight but config.json says tie_word_embeddings is false");
        }
        if (a == null) {
          throw new IllegalArgumentException("weights have no tensor " + e.getKey());
        }
        if (!Arrays.equals(a.getShape().getShape(), e.getValue())) {
          throw new IllegalArgumentException(
              "tensor "
                  + e.getKey()
                  + ": config.json implies shape "
                  + Arrays.toString(e.getValue())
                  + " but the weights have "
                  + Arrays.toString(a.getShape().getShape()));
        }
        NDScope.unregister(a); // parameters live as long as the model
        a.setName(e.getKey());
        params.put(e.getKey(), a);
      }
      return new Qwen2Model(config, manager, params);
    } catch (RuntimeException | java.io.IOException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Logits for new tokens.
   *
   * @param ids token ids [B, T] (int64)
   * @param positions position of each token [B, T] (int64)
   * @param bias additive attention mask [B, 1, T, S] (0 attend, -1e9 masked) over the S = cached +
   *     T positions, or null when every token may attend to every earlier one
   * @param cache where keys and values are kept between calls, or null
   * @return logits [B, T, vocab]
   */
  public NDArray forward(NDArray ids, NDArray positions, NDArray bias, KvCache cache) {
    return logits(hidden(ids, positions, bias, cache));
  }

  /** The final hidden states [B, T, D] (after the last norm); {@link #logits} maps them. */
  public NDArray hidden(NDArray ids, NDArray positions, NDArray bias, KvCache cache) {
    NDArray x = embedding.get(ids);
    NDArray[] rope = rotary.tables(positions);
    for (int i = 0; i < layers.size(); i++) {
      // Each layer's intermediates (its [B, H, T, T] scores among them) are released when the layer
      // is done, not when the caller's scope closes: DJL frees an array with its scope, so a
      // 1,000-token prefill of 4 sequences through 24 layers held every layer's scores at once
      // (killed at 24 GB). Autograd keeps its own references to what backward needs.
      NDArray next;
      try (NDScope layer = new NDScope()) {
        layer.suppressNotUsedWarning();
        next = layers.get(i).forward(x, rope, bias, cache == null ? null : cache.layer(i), 0);
        NDScope.unregister(next);
      }
      NDScope.register(next); // owned by the caller's scope, as before
      x = next;
    }
    if (cache != null) {
      cache.advance((int) ids.getShape().get(1));
    }
    return finalNorm.apply(x);
  }

  /**
   * The final hidden states of a training forward, and the backward through the layers ({@link
   * Trunk}); with {@code recompute}, one hidden state per layer is kept instead of every
   * activation.
   */
  public Trunk trunk(NDArray ids, NDArray positions, NDArray bias, boolean recompute) {
    return trunk(ids, positions, bias, recompute, Trunk.QUERY_CHUNK);
  }

  /**
   * {@link #trunk(NDArray, NDArray, NDArray, boolean)} with recompute's attention formed {@code
   * queryChunk} queries at a time.
   */
  Trunk trunk(NDArray ids, NDArray positions, NDArray bias, boolean recompute, int queryChunk) {
    return Trunk.of(this, ids, positions, bias, recompute, queryChunk);
  }

  /** The LM head: logits [..., vocab] of final hidden states [..., D]. */
  public NDArray logits(NDArray hidden) {
    return hidden.matMul(lmHead.transpose());
  }

  NDArray embedding() {
    return embedding;
  }

  List<DecoderLayer> layers() {
    return layers;
  }

  RmsNorm finalNorm() {
    return finalNorm;
  }

  Rotary rotary() {
    return rotary;
  }

  public ModelConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  /** Trainable parameters by HF name, in checkpoint order. */
  public Map<String, NDArray> parameters() {
    return parameters;
  }

  /** Whether every weight is a finite number (no NaN, no infinity). */
  public boolean parametersFinite() {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (NDArray p : parameters.values()) {
        if (p.isNaN().logicalOr(p.isInfinite()).any().getBoolean()) {
          return false;
        }
      }
      return true;
    }
  }

  /** The weights as named fp32 tensors, for saving. */
  public Map<String, Tensor> toTensors() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    parameters.forEach(
        (name, a) -> out.put(name, new Tensor(a.getShape().getShape(), a.toFloatArray())));
    return out;
  }

  /**
   * Overwrites every parameter in place with the named tensors (e.g. from a checkpoint).
   *
   * @throws IllegalArgumentException naming a missing tensor or a shape mismatch
   */
  public void setWeights(Map<String, Tensor> tensors) {
    parameters.forEach((name, a) -> {
      Tensor t = tensors.get(name);
      if (t == null) {
        throw new IllegalArgumentException("weights have no tensor " + name);
      }
      if (!Arrays.equals(t.shape(), a.getShape().getShape())) {
        throw new IllegalArgumentException(
            "tensor "
                + name
                + ": expected shape "
                + a.getShape()
                + ", found "
                + Arrays.toString(t.shape()));
      }
      a.set(t.data());
    });
  }

  /** Copies every parameter value from {@code other} (same config), e.g. policy to reference. */
  public void copyFrom(Qwen2Model other) {
    parameters.forEach((name, a) -> a.set(other.parameters.get(name).toFloatArray()));
  }

  @Override
  public void close() {
    manager.close();
  }

  private Linear linear(String prefix, boolean bias) {
    return new Linear(
        parameters.get(prefix + ".weight"), bias ? parameters.get(prefix + ".bias") : null);
  }

  private static void fillLazyFields(NDArray a) {
    a.getShape();
    a.getDataType();
    a.getDevice();
  }
}
