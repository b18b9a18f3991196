package io.prorl.engine.io;

import ai.djl.Device;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import java.io.IOException;
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

  private HfModelDir() {}

  /** Loads config and weights; shapes are checked against the config, tensor by tensor. */
  public static Qwen2Model load(Path dir, Device device) throws IOException {
    DjlEngine.pytorch();
    Path config = dir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new IOException("no " + CONFIG + " in " + dir);
    }
    ModelConfig c = ModelConfig.read(config);
    Map<String, SafeTensors.Tensor> weights = readWeights(dir);
    for (Map.Entry<String, SafeTensors.Tensor> w : weights.entrySet()) {
      for (float v : w.getValue().data()) {
        if (!Float.isFinite(v)) {
          throw new IOException(
              dir
                  + ": weight "
                  + w.getKey()
                  + " holds "
                  + v
                  + " (weights of a run that diverged?); a policy with non-finite weights is not"
                  + " loaded");
        }
      }
    }
    return Qwen2Model.fromTensors(c, weights, device);
  }

  /** The weights of a directory, single file or sharded. */
  public static Map<String, SafeTensors.Tensor> readWeights(Path dir) throws IOException {
    Path single = dir.resolve(WEIGHTS);
    if (Files.isRegularFile(single)) {
      return SafeTensors.read(single);
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
    Map<String, SafeTensors.Tensor> all = new LinkedHashMap<>();
    for (String shard : shards) {
      all.putAll(SafeTensors.read(dir.resolve(shard)));
    }
    return all;
  }

  /**
   * Writes config.json and model.safetensors (fp32), and copies tokenizer.json when given, so that
   * HF tools can read the directory.
   */
  public static void save(Qwen2Model model, Path tokenizerJson, Path dir) throws IOException {
    Files.createDirectories(dir);
    model.config().write(dir.resolve(CONFIG));
    SafeTensors.write(model.toTensors(), SafeTensors.DType.F32, dir.resolve(WEIGHTS));
    if (tokenizerJson != null) {
      Path target = dir.resolve(TOKENIZER);
      if (!tokenizerJson.toAbsolutePath().equals(target.toAbsolutePath())) {
        Files.copy(tokenizerJson, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
