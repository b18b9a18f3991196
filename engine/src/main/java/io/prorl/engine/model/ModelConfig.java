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

  /** Reads {@code config.json}; a missing or bad field is named. */
  public static ModelConfig read(Path file) throws IOException {
    JsonNode n = JSON.readTree(Files.readString(file));
    String where = file.toString();
    List<Integer> eos = new ArrayList<>();
    JsonNode eosNode = n.get("eos_token_id");
    if (eosNode != null && eosNode.isArray()) {
      eosNode.forEach(e -> eos.add(e.asInt()));
    } else if (eosNode != null && eosNode.isIntegralNumber()) {
      eos.add(eosNode.asInt());
    }
    int hidden = integer(n, "hidden_size", where);
    int heads = integer(n, "num_attention_heads", where);
    return new ModelConfig(
        integer(n, "vocab_size", where),
        hidden,
        integer(n, "num_hidden_layers", where),
        heads,
        n.has("num_key_value_heads") ? integer(n, "num_key_value_heads", where) : heads,
        integer(n, "intermediate_size", where),
        n.path("rope_theta").asDouble(10000.0),
        n.path("rms_norm_eps").asDouble(1e-6),
        n.path("tie_word_embeddings").asBoolean(false),
        n.has("max_position_embeddings") ? integer(n, "max_position_embeddings", where) : 32768,
        n.path("bos_token_id").isIntegralNumber() ? n.get("bos_token_id").asInt() : -1,
        eos);
  }

  /** Writes an HF-compatible {@code config.json} (Qwen2ForCausalLM, float32). */
  public void write(Path file) throws IOException {
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
    m.put("torch_dtype", "float32");
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
