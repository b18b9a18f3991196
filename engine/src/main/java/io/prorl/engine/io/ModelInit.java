package io.prorl.engine.io;

import io.prorl.engine.model.InitialWeights;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.WeightLayout;
import io.prorl.engine.tokenizer.TokenizerVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model directory with a published {@code config.json} and seeded random weights: the real
 * shapes, memory and speed of a model without its hub download (the weights do not change either).
 * The weights are {@link InitialWeights} of the seed, so {@code Qwen2Model.initialize(config,
 * seed)} holds the same values before rounding to the file's dtype; they stream to the files one
 * tensor at a time, sharded as {@link WeightShards} says. The tokenizer's files are copied beside
 * them.
 */
public final class ModelInit {
  /**
   * Files of a tokenizer directory that go with the model; {@code tokenizer.json} must be there.
   */
  public static final List<String> TOKENIZER_FILES =
      List.of(
          HfModelDir.TOKENIZER,
          "tokenizer_config.json",
          "generation_config.json",
          "special_tokens_map.json",
          "added_tokens.json",
          "vocab.json",
          "merges.txt");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ModelInit() {}

  /**
   * @param weightFiles the safetensors files and, when sharded, the index
   * @param bytes the tensors' bytes in {@code dtype}
   */
  public record Result(
      Path dir,
      ModelConfig config,
      SafeTensors.DType dtype,
      List<Path> weightFiles,
      List<Path> tokenizerFiles,
      long bytes) {}

  /**
   * @param dtype the weights' file type, or null for the config's {@code torch_dtype} (f32 when it
   *     names none)
   * @param log progress lines (one per shard written)
   */
  public static Result init(
      Path configJson,
      Path tokenizerDir,
      Path out,
      long seed,
      SafeTensors.DType dtype,
      long maxShardBytes,
      Consumer<String> log)
      throws IOException {
    ModelConfig config = ModelConfig.read(configJson);
    if (!Files.isRegularFile(tokenizerDir.resolve(HfModelDir.TOKENIZER))) {
      throw new IOException(
          "no " + HfModelDir.TOKENIZER + " in the tokenizer directory " + tokenizerDir);
    }
    TokenizerVocabulary.checkFits(
        tokenizerDir.resolve(HfModelDir.TOKENIZER), config.vocabSize(), configJson);
    ObjectNode configTree = (ObjectNode) JSON.readTree(Files.readString(configJson));
    SafeTensors.DType type = dtype != null ? dtype : torchDtype(configTree, configJson);
    Files.createDirectories(out);
    // the published config as it is, with torch_dtype saying what the files hold
    configTree.put("torch_dtype", torchDtypeName(type));
    Files.writeString(
        out.resolve(HfModelDir.CONFIG),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(configTree) + "\n");
    List<Path> copied = new ArrayList<>();
    for (String name : TOKENIZER_FILES) {
      Path from = tokenizerDir.resolve(name);
      if (Files.isRegularFile(from)) {
        copied.add(Files.copy(from, out.resolve(name), StandardCopyOption.REPLACE_EXISTING));
      }
    }
    Map<String, long[]> layout = WeightLayout.of(config);
    long bytes = 0;
    for (long[] shape : layout.values()) {
      bytes += SafeTensors.bytes(shape, type);
    }
    int shards = WeightShards.plan(layout, type, maxShardBytes).size();
    log.accept(
        String.format(
            "init: %,d parameters, %d tensors, %.1f MB in %s, %d file(s), seed %d",
            config.parameterCount(), layout.size(), bytes / 1e6, type, shards, seed));
    WeightShards.Writer writer =
        new WeightShards.Writer(
            layout, type, maxShardBytes, out, line -> log.accept("init: " + line));
    try (writer) {
      InitialWeights.generate(config, seed, (name, tensor) -> writer.put(name, tensor.data()));
    }
    List<Path> files = writer.files();
    return new Result(out, config, type, files, copied, bytes);
  }

  /** The file type a config's {@code torch_dtype} names; f32 when it names none. */
  static SafeTensors.DType torchDtype(JsonNode config, Path where) {
    JsonNode v = config.get("torch_dtype");
    if (v == null || v.isNull()) {
      return SafeTensors.DType.F32;
    }
    return switch (v.isString() ? v.asString() : "") {
      case "bfloat16" -> SafeTensors.DType.BF16;
      case "float16" -> SafeTensors.DType.F16;
      case "float32" -> SafeTensors.DType.F32;
      default ->
          throw new IllegalArgumentException(
              where + ": field torch_dtype must be bfloat16, float16 or float32, got " + v);
    };
  }

  static String torchDtypeName(SafeTensors.DType dtype) {
    return switch (dtype) {
      case BF16 -> "bfloat16";
      case F16 -> "float16";
      case F32 -> "float32";
    };
  }
}
