package io.prorl.engine.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.prorl.engine.Devices;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.ModelInit;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.io.WeightShards;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of the engine.
 *
 * <pre>
 *   embedded-default --out DIR [--seed S]     write the embedded tiny policy as an HF directory
 *   init --config FILE --tokenizer DIR --out DIR [--seed S] [--dtype bf16|f16|f32]
 *        [--max-shard-size 5GB]               an HF directory of the config's real shapes with
 *                                             seeded random weights (dtype: the config's
 *                                             torch_dtype), sharded as HF shards, and the
 *                                             tokenizer's files
 *   sample --model DIR --prompt TEXT [--n N] [--temperature T] [--top-p P] [--max-new-tokens M]
 *          [--seed S] [--device cpu|gpu|auto]  sample from an HF directory, chat-formatted
 *   render --model DIR --messages FILE.json [--no-generation-prompt]
 *                                             print what the policy sees: the model's chat
 *                                             template rendered on the messages (a JSON array
 *                                             of {role, content}), then its token count
 *   smoke                                     engine check: load natives, write the embedded
 *                                             default to a temporary folder, sample from it
 * </pre>
 */
public final class EngineCli {
  /** Options without a value. */
  private static final List<String> FLAGS = List.of("--no-generation-prompt");

  private EngineCli() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: embedded-default|init|sample|render|smoke ... (see EngineCli)");
      System.exit(2);
    }
    Map<String, String> o = options(args);
    try {
      switch (args[0]) {
        case "embedded-default" -> {
          Path dir = EmbeddedDefault.write(Path.of(required(o, "out")), seed(o));
          System.out.println("wrote the embedded default policy to " + dir);
        }
        case "sample" ->
            sample(
                Path.of(required(o, "model")),
                required(o, "prompt"),
                o,
                Devices.resolve(o.getOrDefault("device", "cpu")));
        case "init" -> init(o);
        case "render" -> render(o);
        case "smoke" -> smoke();
        default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  /**
   * {@code init --config config.json --tokenizer DIR --out DIR [--seed S] [--dtype bf16|f16|f32]
   * [--max-shard-size 5GB]}: a model directory with the config's real shapes and seeded random
   * weights ({@link ModelInit}).
   */
  private static void init(Map<String, String> o) throws IOException {
    SafeTensors.DType dtype = null;
    if (o.containsKey("dtype")) {
      try {
        dtype = SafeTensors.DType.parse(o.get("dtype"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--dtype " + e.getMessage(), e);
      }
    }
    long start = System.nanoTime();
    ModelInit.Result r =
        ModelInit.init(
            Path.of(required(o, "config")),
            Path.of(required(o, "tokenizer")),
            Path.of(required(o, "out")),
            seed(o),
            dtype,
            WeightShards.parseSize(
                o.getOrDefault(
                    "max-shard-size", Long.toString(WeightShards.DEFAULT_MAX_SHARD_BYTES))),
            System.out::println);
    System.out.printf(
        "init: %s: %,d parameters in %s, %d weight file(s), %d tokenizer file(s), %.1f s%n",
        r.dir(),
        r.config().parameterCount(),
        r.dtype(),
        r.weightFiles().size(),
        r.tokenizerFiles().size(),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * {@code render --model DIR --messages FILE.json [--no-generation-prompt]}: the prompt text the
   * policy sees for the messages, exactly (stdout), and its token count (stderr).
   */
  private static void render(Map<String, String> o) throws IOException {
    Path dir = Path.of(required(o, "model"));
    Path file = Path.of(required(o, "messages"));
    List<ChatMessage> messages = new ArrayList<>();
    tools.jackson.databind.JsonNode array;
    try {
      array =
          tools.jackson.databind.json.JsonMapper.builder().build().readTree(Files.readString(file));
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (!array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException(file + ": expected a non-empty array of {role, content}");
    }
    for (int i = 0; i < array.size(); i++) {
      tools.jackson.databind.JsonNode m = array.get(i);
      if (!m.path("role").isString() || !m.path("content").isString()) {
        throw new IllegalArgumentException(
            file + ": message [" + i + "]: needs string fields role and content");
      }
      messages.add(new ChatMessage(m.get("role").asString(), m.get("content").asString()));
    }
    boolean generationPrompt = !"true".equals(o.getOrDefault("no-generation-prompt", "false"));
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER))) {
      String text = tokenizer.chatTemplate().render(messages, generationPrompt);
      System.out.print(text);
      System.out.flush();
      System.err.printf("%n[%d tokens]%n", tokenizer.encode(text).length);
    }
  }

  private static void smoke() throws IOException {
    Engine engine = DjlEngine.pytorch();
    System.out.println(
        "engine "
            + engine.getEngineName()
            + " "
            + engine.getVersion()
            + ", GPUs: "
            + engine.getGpuCount());
    Path dir = Files.createTempDirectory("prorl-smoke");
    EmbeddedDefault.write(dir, 1);
    Map<String, String> o = new LinkedHashMap<>();
    o.put("n", "2");
    o.put("max-new-tokens", "16");
    sample(dir, "Compute 2 + 3.", o, Device.cpu());
    System.out.println("smoke: ok");
  }

  private static void sample(Path dir, String prompt, Map<String, String> o, Device device)
      throws IOException {
    try (Qwen2Model model = HfModelDir.load(dir, device);
        Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER))) {
      int n = Integer.parseInt(o.getOrDefault("n", "1"));
      SamplingParams params =
          new SamplingParams(
              Double.parseDouble(o.getOrDefault("temperature", "1.0")),
              Double.parseDouble(o.getOrDefault("top-p", "1.0")),
              0,
              Integer.parseInt(o.getOrDefault("max-new-tokens", "64")),
              List.of(),
              seed(o));
      List<int[]> prompts = new ArrayList<>();
      int[] ids =
          tokenizer.encode(
              tokenizer.chatTemplate().render(List.of(ChatMessage.user(prompt)), true));
      for (int i = 0; i < n; i++) {
        prompts.add(ids);
      }
      long start = System.nanoTime();
      List<Generation> out = new Sampler(model, tokenizer).generate(prompts, params);
      double seconds = (System.nanoTime() - start) / 1e9;
      int tokens = 0;
      for (Generation g : out) {
        tokens += g.tokens().length;
        System.out.printf("[%s, %d tokens] %s%n", g.finishReason(), g.tokens().length, g.text());
      }
      System.out.printf(
          "%d parameters, %d tokens in %.2f s (%.0f tokens/s)%n",
          model.config().parameterCount(), tokens, seconds, tokens / seconds);
    }
  }

  private static long seed(Map<String, String> o) {
    return Long.parseLong(o.getOrDefault("seed", "0"));
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (FLAGS.contains(args[i])) {
        o.put(args[i].substring(2), "true");
        continue;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
      }
      o.put(args[i].substring(2), args[++i]);
    }
    return o;
  }

  private static String required(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }
}
