package io.prorl.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.model.WeightLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code engine init}: real shapes from a published config, seeded weights, HF's shards. */
class ModelInitTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path CONFIGS = Path.of("src/test/resources/model-configs");

  @TempDir Path dir;

  /** A small Qwen2 config.json in the published files' form, with {@code torch_dtype}. */
  private Path config(String torchDtype, Map<String, Object> extra) throws Exception {
    ObjectNode c =
        (ObjectNode) JSON.readTree(Files.readString(CONFIGS.resolve("Qwen2.5-0.5B.config.json")));
    c.put("vocab_size", EmbeddedDefault.VOCAB_SIZE)
        .put("hidden_size", 32)
        .put("num_hidden_layers", 2);
    c.put("num_attention_heads", 4).put("num_key_value_heads", 2).put("intermediate_size", 48);
    c.put("eos_token_id", 1023).put("bos_token_id", 1022).put("torch_dtype", torchDtype);
    extra.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
    Path file = dir.resolve("config-" + extra.hashCode() + ".json");
    Files.writeString(file, JSON.writeValueAsString(c));
    return file;
  }

  private Path tokenizerDir() throws Exception {
    Path t = Files.createDirectories(dir.resolve("tok"));
    EmbeddedDefault.writeTokenizer(t.resolve("tokenizer.json"));
    return t;
  }

  @Test
  void writesTheSeedsWeightsInHfShardsThatLoadBack() throws Exception {
    Path out = dir.resolve("model");
    List<String> log = new ArrayList<>();
    // 2 KB shards: the embedding (1024 x 32 f32 = 128 KB) alone, then the layers' tensors in groups
    ModelInit.Result r =
        ModelInit.init(
            config("bfloat16", Map.of()),
            tokenizerDir(),
            out,
            7,
            SafeTensors.DType.F32,
            2048,
            log::add);

    assertThat(r.weightFiles()).hasSizeGreaterThan(2);
    assertThat(r.weightFiles().getLast()).hasFileName(HfModelDir.WEIGHTS_INDEX);
    int shards = r.weightFiles().size() - 1;
    assertThat(r.weightFiles().getFirst())
        .hasFileName(String.format("model-00001-of-%05d.safetensors", shards));
    JsonNode index = JSON.readTree(Files.readString(out.resolve(HfModelDir.WEIGHTS_INDEX)));
    assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(r.bytes());
    assertThat(index.path("weight_map").path("model.embed_tokens.weight").asString())
        .isEqualTo(r.weightFiles().getFirst().getFileName().toString());
    assertThat(index.path("weight_map").size()).isEqualTo(WeightLayout.of(r.config()).size());
    assertThat(out.resolve("tokenizer.json")).exists();
    assertThat(out.resolve("tokenizer_config.json")).exists();
    assertThat(
            JSON.readTree(Files.readString(out.resolve("config.json")))
                .path("torch_dtype")
                .asString())
        .as("config.json says what the files hold")
        .isEqualTo("float32");
    assertThat(log).anyMatch(l -> l.contains("wrote") && l.contains("of " + shards));

    try (Qwen2Model loaded = HfModelDir.load(out, Device.cpu());
        Qwen2Model initialised = Qwen2Model.initialize(r.config(), 7, Device.cpu())) {
      for (String name : WeightLayout.of(r.config()).keySet()) {
        assertThat(loaded.parameters().get(name).toFloatArray())
            .as(name)
            .containsExactly(initialised.parameters().get(name).toFloatArray());
      }
    }
  }

  @Test
  void oneFileBelowTheShardSizeInTheConfigsDtype() throws Exception {
    Path out = dir.resolve("bf16");
    ModelInit.Result r =
        ModelInit.init(
            config("bfloat16", Map.of()),
            tokenizerDir(),
            out,
            1,
            null,
            WeightShards.DEFAULT_MAX_SHARD_BYTES,
            l -> {});

    assertThat(r.dtype()).isEqualTo(SafeTensors.DType.BF16);
    assertThat(r.weightFiles()).containsExactly(out.resolve(HfModelDir.WEIGHTS));
    assertThat(Files.size(out.resolve(HfModelDir.WEIGHTS)))
        .isGreaterThan(r.bytes())
        .isLessThan(r.bytes() + 16_384);
    assertThat(out.resolve(HfModelDir.WEIGHTS_INDEX)).doesNotExist();
  }

  @Test
  void aTokenizerLargerThanTheConfigsVocabularyIsRefusedNamingBoth() throws Exception {
    Path small = config("float32", Map.of("vocab_size", 512));
    assertThatThrownBy(() ->
            ModelInit.init(small, tokenizerDir(), dir.resolve("x"), 1, null, 1L << 30, l -> {}))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("tokenizer.json: token ids reach 1023")
        .hasMessageContaining(small + " field vocab_size 512");
    // and a directory whose config was edited after init is refused at load
    Path out = dir.resolve("ok");
    ModelInit.init(config("float32", Map.of()), tokenizerDir(), out, 1, null, 1L << 30, l -> {});
    Files.copy(
        small, out.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> HfModelDir.load(out, Device.cpu()))
        .hasMessageContaining("field vocab_size 512");
  }

  @Test
  void shardsFollowHfsRule() {
    Map<String, long[]> layout = new java.util.LinkedHashMap<>();
    layout.put("a", new long[] {100}); // 400 bytes in f32
    layout.put("b", new long[] {100});
    layout.put("big", new long[] {1000}); // 4000 bytes: larger than a shard, alone
    layout.put("c", new long[] {50});
    assertThat(WeightShards.plan(layout, SafeTensors.DType.F32, 1000))
        .containsExactly(List.of("a", "b"), List.of("big"), List.of("c"));
    assertThat(WeightShards.plan(layout, SafeTensors.DType.BF16, 1000))
        .containsExactly(List.of("a", "b"), List.of("big"), List.of("c"));
    assertThat(WeightShards.plan(layout, SafeTensors.DType.F32, 1L << 40)).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource({"5GB, 5000000000", "500MB, 500000000", "2GiB, 2147483648", "1024, 1024"})
  void shardSizesAsHfWritesThem(String text, long bytes) {
    assertThat(WeightShards.parseSize(text)).isEqualTo(bytes);
  }

  @Test
  void aBadShardSizeIsNamed() {
    assertThatThrownBy(() -> WeightShards.parseSize("5 gigs")).hasMessageContaining("'5 gigs'");
  }

  @ParameterizedTest
  @CsvSource({
    "Qwen2.5-0.5B.config.json, 494032768",
    "Qwen2.5-1.5B.config.json, 1543714304",
    "DeepSeek-R1-Distill-Qwen-1.5B.config.json, 1777088000"
  })
  void thePublishedConfigsReadWithTheirParameterCounts(String file, long parameters)
      throws Exception {
    assertThat(ModelConfig.read(CONFIGS.resolve(file)).parameterCount()).isEqualTo(parameters);
  }

  @Test
  void fieldsThisEngineCannotHonourAreRefusedByName() throws Exception {
    assertThatThrownBy(
            () -> ModelConfig.read(config("bfloat16", Map.of("use_sliding_window", true))))
        .hasMessageContaining("field use_sliding_window is true");
    assertThatThrownBy(() ->
            ModelConfig.read(
                config("bfloat16", Map.of("rope_scaling", Map.of("type", "yarn", "factor", 4)))))
        .hasMessageContaining("field rope_scaling");
    assertThatThrownBy(() -> ModelConfig.read(config("bfloat16", Map.of("hidden_act", "gelu"))))
        .hasMessageContaining("field hidden_act is \"gelu\"");
    assertThatThrownBy(() -> ModelConfig.read(config("bfloat16", Map.of("model_type", "llama"))))
        .hasMessageContaining("field model_type is \"llama\"");
    assertThatThrownBy(() -> ModelConfig.read(config("bfloat16", Map.of("rope_theta", "1e6"))))
        .hasMessageContaining("field rope_theta is not a number");
    assertThatThrownBy(() -> ModelConfig.read(config("bfloat16", Map.of("eos_token_id", "end"))))
        .hasMessageContaining("field eos_token_id");
    assertThatThrownBy(() ->
            ModelInit.init(
                config("int8", Map.of()),
                tokenizerDir(),
                dir.resolve("x"),
                1,
                null,
                1L << 30,
                l -> {}))
        .hasMessageContaining(
            "field torch_dtype must be bfloat16, float16 or float32, got \"int8\"");
  }

  @Test
  void aTokenizerDirectoryWithoutTokenizerJsonIsRefused() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() ->
            ModelInit.init(
                config("bfloat16", Map.of()), empty, dir.resolve("y"), 1, null, 1L << 30, l -> {}))
        .hasMessageContaining("no tokenizer.json in the tokenizer directory");
  }

  @Test
  void generationConfigsEosIdsOverrideTheConfigs() throws Exception {
    Path out = dir.resolve("gen");
    ModelInit.init(config("float32", Map.of()), tokenizerDir(), out, 1, null, 1L << 30, l -> {});
    try (Qwen2Model m = HfModelDir.load(out, Device.cpu())) {
      assertThat(m.config().eosTokenIds()).containsExactly(1023);
    }
    Files.writeString(out.resolve("generation_config.json"), "{\"eos_token_id\": [1021, 1023]}");
    try (Qwen2Model m = HfModelDir.load(out, Device.cpu())) {
      assertThat(m.config().eosTokenIds()).containsExactly(1021, 1023);
    }
    Files.writeString(out.resolve("generation_config.json"), "{\"eos_token_id\": \"end\"}");
    assertThatThrownBy(() -> HfModelDir.load(out, Device.cpu()))
        .hasMessageContaining("generation_config.json: field eos_token_id");
  }
}
