package io.prorl.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a Hugging Face Qwen2 {@code config.json} that define the network.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size} (d)
 * @param numLayers {@code num_hidden_layers}
 * @param numHeads {@code num_attention_heads}
 * @param numKvHeads {@code num_key_value_heads} (grouped-query attention)
 * @param intermediateSize {@code intermediate_size} (SwiGLU width)
 * @param ropeTheta {@code rope_theta}
 * @param rmsNormEps {@code rms_norm_eps}
 * @param tieWordEmbeddings {@code tie_word_embeddings}: the LM head reuses the embedding matrix
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @param bosTokenId {@code bos_token_id}, or -1
 * @param eosTokenIds {@code eos_token_id} (a number or a list in HF files)
 */
public record ModelConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int intermediateSize,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    int maxPositionEmbeddings,
    int bosTokenId,
    List<Integer> eosTokenIds) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public ModelConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("num_hidden_layers", numLayers);
    positive("num_attention_heads", numHeads);
    positive("num_key_value_heads", numKvHeads);
    positive("intermediate_size", intermediateSize);
    positive("max_position_embeddings", maxPositionEmbeddings);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "config: hidden_size "
              + hiddenSize
              + " is not a multiple of num_attention_heads "
              + numHeads);
    }
    if (numHeads % numKvHeads != 0) {
      throw new IllegalArgumentException(
          "config: num_attention_heads "
              + numHeads
              + " is not a multiple of num_key_value_heads "
              + numKvHeads);
    }
    if ((hiddenSize / numHeads) % 2 != 0) {
      throw new IllegalArgumentException(
          "config: the head size " + hiddenSize / numHeads + " must be even for rotary embeddings");
    }
    if (!(ropeTheta > 0) || !(rmsNormEps > 0)) {
      throw new IllegalArgumentException("config: rope_theta and rms_norm_eps must be positive");
    }
  }

  /** This config with other end-of-sequence ids (e.g. those of {@code generation_config.json}). */
  public ModelConfig withEosTokenIds(List<Integer> ids) {
    return new ModelConfig(
        vocabSize,
        hiddenSize,
        numLayers,
        numHeads,
        numKvHeads,
        intermediateSize,
        ropeTheta,
        rmsNormEps,
        tieWordEmbeddings,
        maxPositionEmbeddings,
        bosTokenId,
        ids);
  }

  /**
   * The {@code eos_token_id} of a JSON object (config.json or generation_config.json): an integer
   * or a list of them; empty when the field is absent or null.
   */
  public static List<Integer> eosTokenIds(JsonNode n, String where) {
    List<Integer> eos = new ArrayList<>();
    JsonNode eosNode = n.get("eos_token_id");
    if (eosNode != null && eosNode.isArray()) {
      for (JsonNode e : eosNode) {
        if (!e.isIntegralNumber()) {
          throw new IllegalArgumentException(
              where + ": field eos_token_id holds a non-integer " + e);
        }
        eos.add(e.asInt());
      }
    } else if (eosNode != null && eosNode.isIntegralNumber()) {
      eos.add(eosNode.asInt());
    } else if (eosNode != null && !eosNode.isNull()) {
      throw new IllegalArgumentException(
          where + ": field eos_token_id must be an integer or a list of them, got " + eosNode);
    }
    return eos;
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** Number of parameters, counting a tied embedding once. */
  public long parameterCount() {
    long d = hiddenSize;
    long kv = (long) numKvHeads * headDim();
    long attention = d * d + d + 2 * (d * kv + kv) + d * d;
    long mlp = 3 * d * intermediateSize;
    long perLayer = attention + mlp + 2 * d;
    long embed = (long) vocabSize * d;
    return embed + (tieWordEmbeddings ? 0 : embed) + numLayers * perLayer + d;
  }

  /**
   * Reads {@code config.json}; a missing or bad field is named, and so is a field whose value this
   * engine cannot honour (another architecture, activation, sliding-window attention, RoPE scaling)
   * rather than silently computing another network.
   */
  public static ModelConfig read(Path file) throws IOException {
    JsonNode n;
    try {
      n = JSON.readTree(Files.readString(file));
    } catch (tools.jackson.core.JacksonException e) {
      throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
    }
    String where = file.toString();
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(where + ": not a JSON object");
    }
    refuseUnsupported(n, where);
    List<Integer> eos = eosTokenIds(n, where);
    int hidden = integer(n, "hidden_size", where);
    int heads = integer(n, "num_attention_heads", where);
    return new ModelConfig(
        integer(n, "vocab_size", where),
        hidden,
        integer(n, "num_hidden_layers", where),
        heads,
        n.has("num_key_value_heads") ? integer(n, "num_key_value_heads", where) : heads,
        integer(n, "intermediate_size", where),
        number(n, "rope_theta", 10000.0, where),
        number(n, "rms_norm_eps", 1e-6, where),
        bool(n, "tie_word_embeddings", false, where),
        n.has("max_position_embeddings") ? integer(n, "max_position_embeddings", where) : 32768,
        n.path("bos_token_id").isNull() || !n.has("bos_token_id")
            ? -1
            : integer(n, "bos_token_id", where),
        eos);
  }

  /** Fields whose values would make the checkpoint's network differ from the one computed here. */
  private static void refuseUnsupported(JsonNode n, String where) {
    JsonNode type = n.get("model_type");
    if (type != null && !(type.isString() && type.asString().equals("qwen2"))) {
      throw new IllegalArgumentException(
          where + ": field model_type is " + type + "; this engine computes qwen2 models only");
    }
    JsonNode act = n.get("hidden_act");
    if (act != null && !(act.isString() && act.asString().equals("silu"))) {
      throw new IllegalArgumentException(
          where + ": field hidden_act is " + act + "; this engine computes silu (SwiGLU) only");
    }
    if (bool(n, "use_sliding_window", false, where)) {
      throw new IllegalArgumentException(
          where
              + ": field use_sliding_window is true; sliding-window attention is not implemented"
              + " (every token attends to all before it)");
    }
    JsonNode scaling = n.get("rope_scaling");
    if (scaling != null && !scaling.isNull()) {
      throw new IllegalArgumentException(
          where + ": field rope_scaling is " + scaling + "; RoPE scaling is not implemented");
    }
  }

  private static double number(JsonNode n, String field, double absent, String where) {
    JsonNode v = n.get(field);
    if (v == null) {
      return absent;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(where + ": field " + field + " is not a number: " + v);
    }
    return v.asDouble();
  }

  private static boolean bool(JsonNode n, String field, boolean absent, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(
          where + ": field " + field + " is not true or false: " + v);
    }
    return v.asBoolean();
  }

  /** Writes an HF-compatible {@code config.json} (Qwen2ForCausalLM, float32). */
  public void write(Path file) throws IOException {
    write(file, "float32");
  }

  /**
   * Writes an HF-compatible {@code config.json} whose {@code torch_dtype} is {@code torchDtype}
   * ({@code bfloat16}, {@code float16} or {@code float32}: what the weight files hold).
   */
  public void write(Path file, String torchDtype) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", List.of("Qwen2ForCausalLM"));
    m.put("model_type", "qwen2");
    m.put("vocab_size", vocabSize);
    m.put("hidden_size", hiddenSize);
    m.put("num_hidden_layers", numLayers);
    m.put("num_attention_heads", numHeads);
    m.put("num_key_value_heads", numKvHeads);
    m.put("intermediate_size", intermediateSize);
    m.put("hidden_act", "silu");
    m.put("rope_theta", ropeTheta);
    m.put("rms_norm_eps", rmsNormEps);
    m.put("tie_word_embeddings", tieWordEmbeddings);
    m.put("max_position_embeddings", maxPositionEmbeddings);
    m.put("use_sliding_window", false);
    m.put("attention_dropout", 0.0);
    if (bosTokenId >= 0) {
      m.put("bos_token_id", bosTokenId);
    }
    if (!eosTokenIds.isEmpty()) {
      m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
    }
    m.put("torch_dtype", torchDtype);
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
  }

  private static int integer(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(
          where + ": field " + field + " is " + (v == null ? "missing" : "not an integer: " + v));
    }
    return v.asInt();
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("config: " + field + " must be positive, got " + value);
    }
  }
}
