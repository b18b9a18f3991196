package io.prorl.engine.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.model.WeightLayout;
import io.prorl.engine.tokenizer.TokenizerVocabulary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hugging Face model directory: {@code config.json}, {@code model.safetensors} (or shards listed
 * in {@code model.safetensors.index.json}) and {@code tokenizer.json}.
 */
public final class HfModelDir {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String GENERATION_CONFIG = "generation_config.json";

  /**
   * fp32 master weights beside a policy saved in a narrower dtype (a checkpoint training continues
   * from): exact resume, and a reset that does not round the policy. HF tools ignore the file.
   */
  public static final String MASTER_WEIGHTS = "master_weights.safetensors";

  private HfModelDir() {}

  /**
   * Loads config and weights; shapes are checked against the config, tensor by tensor. Tensors
   * stream from the files one at a time (single file or shards): each tensor is converted to fp32
   * into one reused direct buffer (read in chunks), copied by PyTorch into memory it owns and
   * checked finite there, before the next is read. Loading holds the fp32 model plus one tensor in
   * fp32; no Java array of the weights is made.
   */
  public static Qwen2Model load(Path dir, Device device) throws IOException {
    DjlEngine.pytorch();
    Path config = dir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new IOException("no " + CONFIG + " in " + dir);
    }
    ModelConfig c = withGenerationEos(ModelConfig.read(config), dir);
    Path tokenizer = dir.resolve(TOKENIZER);
    if (Files.isRegularFile(tokenizer)) {
      TokenizerVocabulary.checkFits(tokenizer, c.vocabSize(), config);
    }
    try (LazyWeights weights = LazyWeights.open(weightFiles(dir))) {
      ByteBuffer staging =
          ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, weights.largestFp32Bytes()))
              .order(ByteOrder.LITTLE_ENDIAN);
      return Qwen2Model.fromArrays(c, (name, m) -> weights.array(name, m, staging, dir), device);
    }
  }

  /**
   * The policy as training continues it: its fp32 {@link #MASTER_WEIGHTS} when the directory has
   * them (a checkpoint saved in bf16 or f16), else {@link #load}. Evaluation and HF tools read the
   * policy itself.
   */
  public static Qwen2Model loadForTraining(Path dir, Device device) throws IOException {
    Path master = dir.resolve(MASTER_WEIGHTS);
    if (!Files.isRegularFile(master)) {
      return load(dir, device);
    }
    DjlEngine.pytorch();
    ModelConfig c = withGenerationEos(ModelConfig.read(dir.resolve(CONFIG)), dir);
    try (LazyWeights weights = LazyWeights.open(java.util.List.of(master))) {
      ByteBuffer staging =
          ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, weights.largestFp32Bytes()))
              .order(ByteOrder.LITTLE_ENDIAN);
      return Qwen2Model.fromArrays(c, (name, m) -> weights.array(name, m, staging, dir), device);
    }
  }

  /**
   * Generation ends at the model's end-of-sequence ids: those of {@code generation_config.json}
   * when it names any (an instruct model lists its end-of-turn there), else config.json's.
   */
  static ModelConfig withGenerationEos(ModelConfig config, Path dir) throws IOException {
    Path file = dir.resolve(GENERATION_CONFIG);
    if (!Files.isRegularFile(file)) {
      return config;
    }
    JsonNode n;
    try {
      n = JsonMapper.builder().build().readTree(Files.readString(file));
    } catch (tools.jackson.core.JacksonException e) {
      throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IOException(file + ": not a JSON object");
    }
    java.util.List<Integer> eos = ModelConfig.eosTokenIds(n, file.toString());
    return eos.isEmpty() ? config : config.withEosTokenIds(eos);
  }

  /** The weight files of a directory, opened lazily: a tensor is read when asked for. */
  static final class LazyWeights implements AutoCloseable {
    private final Map<String, SafeTensors.Lazy> byTensor = new LinkedHashMap<>();
    private final java.util.List<SafeTensors.Lazy> files = new java.util.ArrayList<>();

    static LazyWeights open(java.util.List<Path> weightFiles) throws IOException {
      LazyWeights w = new LazyWeights();
      try {
        for (Path file : weightFiles) {
          SafeTensors.Lazy lazy = new SafeTensors.Lazy(file);
          w.files.add(lazy);
          for (String name : lazy.names()) {
            w.byTensor.put(name, lazy);
          }
        }
      } catch (IOException | RuntimeException e) {
        w.close();
        throw e;
      }
      return w;
    }

    /** The largest tensor's size in fp32. */
    long largestFp32Bytes() {
      long max = 4;
      for (Map.Entry<String, SafeTensors.Lazy> e : byTensor.entrySet()) {
        max = Math.max(max, 4L * e.getValue().count(e.getKey()));
      }
      return max;
    }

    /**
     * The tensor as an fp32 array owned by PyTorch in {@code m}, converted into {@code staging};
     * null when no file has it. A non-finite value is refused, naming the tensor.
     */
    NDArray array(String name, NDManager m, ByteBuffer staging, Path dir) throws IOException {
      SafeTensors.Lazy file = byTensor.get(name);
      if (file == null) {
        return null;
      }
      file.readFp32(name, staging);
      NDArray fp32;
      // the borrowed view of the staging buffer lives only until PyTorch's own copy exists
      try (NDArray borrowed =
          m.create(
              staging.slice(0, staging.limit()).order(ByteOrder.LITTLE_ENDIAN),
              new Shape(file.shape(name)),
              DataType.FLOAT32)) {
        fp32 = borrowed.duplicate();
      }
      boolean finite;
      // one scalar: any NaN or infinity makes the sum non-finite, and finite weights cannot sum
      // past fp32's range; element-wise masks would be as large as the tensor
      try (NDArray sum = fp32.sum()) {
        finite = Float.isFinite(sum.getFloat());
      }
      if (!finite) {
        fp32.close();
        throw new IOException(
            dir
                + ": weight "
                + name
                + " holds NaN or infinity (weights of a run that diverged?); a policy with"
                + " non-finite weights is not loaded");
      }
      return fp32;
    }

    @Override
    public void close() throws IOException {
      for (SafeTensors.Lazy f : files) {
        f.close();
      }
    }
  }

  /** The weights of a directory, single file or sharded. */
  public static Map<String, SafeTensors.Tensor> readWeights(Path dir) throws IOException {
    Map<String, SafeTensors.Tensor> all = new LinkedHashMap<>();
    for (Path file : weightFiles(dir)) {
      all.putAll(SafeTensors.read(file));
    }
    return all;
  }

  /** {@code model.safetensors}, or the shards its index names, in name order. */
  static java.util.List<Path> weightFiles(Path dir) throws IOException {
    Path single = dir.resolve(WEIGHTS);
    if (Files.isRegularFile(single)) {
      return java.util.List.of(single);
    }
    Path index = dir.resolve(WEIGHTS_INDEX);
    if (!Files.isRegularFile(index)) {
      throw new IOException("no " + WEIGHTS + " nor " + WEIGHTS_INDEX + " in " + dir);
    }
    JsonNode map;
    try {
      map = JsonMapper.builder().build().readTree(Files.readString(index)).path("weight_map");
    } catch (tools.jackson.core.JacksonException e) {
      throw new IOException(index + ": not JSON: " + e.getOriginalMessage(), e);
    }
    TreeSet<String> shards = new TreeSet<>();
    map.properties().forEach(e -> shards.add(e.getValue().asString()));
    java.util.List<Path> files = new java.util.ArrayList<>();
    for (String shard : shards) {
      files.add(dir.resolve(shard));
    }
    return files;
  }

  /**
   * Writes config.json and model.safetensors (fp32), and copies tokenizer.json when given, so that
   * HF tools can read the directory.
   */
  public static void save(Qwen2Model model, Path tokenizerJson, Path dir) throws IOException {
    save(model, tokenizerJson, dir, SafeTensors.DType.F32, WeightShards.DEFAULT_MAX_SHARD_BYTES);
  }

  /**
   * Writes config.json (its {@code torch_dtype} saying {@code dtype}) and the weights in {@code
   * dtype}, sharded above {@code maxShardBytes} as HF shards them, one parameter at a time; copies
   * tokenizer.json when given, with the tokenizer files that sit beside it ({@link
   * ModelInit#TOKENIZER_FILES}: tokenizer_config.json, generation_config.json, ...).
   */
  public static void save(
      Qwen2Model model, Path tokenizerJson, Path dir, SafeTensors.DType dtype, long maxShardBytes)
      throws IOException {
    Files.createDirectories(dir);
    model.config().write(dir.resolve(CONFIG), ModelInit.torchDtypeName(dtype));
    writeWeights(model, dtype, maxShardBytes, dir);
    if (tokenizerJson != null) {
      Path from = tokenizerJson.getParent() == null ? Path.of(".") : tokenizerJson.getParent();
      copy(tokenizerJson, dir.resolve(TOKENIZER));
      for (String name : ModelInit.TOKENIZER_FILES) {
        Path companion = from.resolve(name);
        if (!name.equals(TOKENIZER) && Files.isRegularFile(companion)) {
          copy(companion, dir.resolve(name));
        }
      }
    }
  }

  /** The model's fp32 {@link #MASTER_WEIGHTS} into {@code dir}, one parameter at a time. */
  public static void saveMasterWeights(Qwen2Model model, Path dir) throws IOException {
    Map<String, long[]> layout = WeightLayout.of(model.config());
    try (SafeTensors.Writer w =
        new SafeTensors.Writer(dir.resolve(MASTER_WEIGHTS), layout, SafeTensors.DType.F32)) {
      for (String name : layout.keySet()) {
        w.put(name, model.parameters().get(name).toFloatArray());
      }
    }
  }

  /** The model's parameters into {@code dir}, one at a time (no Java copy of the whole model). */
  static void writeWeights(Qwen2Model model, SafeTensors.DType dtype, long maxShardBytes, Path dir)
      throws IOException {
    Map<String, long[]> layout = WeightLayout.of(model.config());
    try (WeightShards.Writer w =
        new WeightShards.Writer(layout, dtype, maxShardBytes, dir, l -> {})) {
      for (String name : layout.keySet()) {
        w.put(name, model.parameters().get(name).toFloatArray());
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!from.toAbsolutePath().equals(to.toAbsolutePath())) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** What a directory's weight files hold, as its config.json's {@code torch_dtype} says. */
  public static SafeTensors.DType policyDtype(Path dir) throws IOException {
    Path config = dir.resolve(CONFIG);
    JsonNode n;
    try {
      n = JsonMapper.builder().build().readTree(Files.readString(config));
    } catch (tools.jackson.core.JacksonException e) {
      throw new IOException(config + ": not JSON: " + e.getOriginalMessage(), e);
    }
    return ModelInit.torchDtype(n, config);
  }
}
