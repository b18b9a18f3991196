package io.prorl.engine.defaults;

import ai.djl.Device;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.tokenizer.BpeTrainer;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The policy the project makes itself for tests and the quickstart: a byte-level BPE tokenizer of
 * 1,024 tokens trained on the task families' prompts and worked solutions, and a Qwen2-shaped model
 * of about 1.3M parameters (d 160, 4 layers, 4 heads sharing 2 kv heads, SwiGLU 448, tied
 * embeddings) that trains at a useful speed on 2 CPU cores. Everything is derived from seeds, so
 * the same seed writes the same directory.
 */
public final class EmbeddedDefault {
  public static final int VOCAB_SIZE = 1024;
  public static final String END_OF_TEXT = "<|endoftext|>";
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";
  public static final List<String> SPECIAL_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END);

  /**
   * ChatML without a system turn: a one-turn prompt renders as {@code
   * <|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n}, and the answer ends with {@code
   * <|im_end|>}, the model's end-of-sequence token.
   */
  public static final String CHAT_TEMPLATE =
      "{% for message in messages %}"
          + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'"
          + " + '\\n' }}{% endfor %}"
          + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private static final int CORPUS_PROBLEMS_PER_FAMILY = 150;
  private static final long CORPUS_SEED = 20250530L;

  /**
   * The families whose text the tokenizer is trained on: the ones the tiny policy was made for.
   * Fixed, so that adding a family (code, which a 1.3M-parameter model cannot write) does not
   * change the tokenizer and with it every measured run; byte-level BPE still encodes any text.
   */
  static final List<String> CORPUS_FAMILIES =
      List.of("arithmetic", "countdown", "graph_color", "boxnet", "instruction", "stem_mcq");

  private EmbeddedDefault() {}

  /** The tokenizer.json text: trained on generated problems of every family. */
  public static String tokenizerJson() {
    TaskFamilies families = TaskFamilies.builtIn();
    ChatTemplate template = chatTemplate();
    List<String> corpus = new ArrayList<>();
    for (String family : CORPUS_FAMILIES) {
      for (Problem p :
          families.generate(family, Map.of(), CORPUS_SEED, CORPUS_PROBLEMS_PER_FAMILY)) {
        corpus.add(template.render(p.conversation(), true));
        corpus.add(p.solution() + IM_END);
      }
    }
    return BpeTrainer.train(corpus, VOCAB_SIZE, SPECIAL_TOKENS);
  }

  /** The chat template with its special tokens, as {@link #tokenizerConfigJson()} writes them. */
  public static ChatTemplate chatTemplate() {
    return ChatTemplate.of(
        CHAT_TEMPLATE,
        Map.of("eos_token", IM_END, "pad_token", END_OF_TEXT),
        "the embedded default's chat_template");
  }

  /** The tokenizer_config.json text: the chat template and the special tokens. */
  public static String tokenizerConfigJson() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    config.put("bos_token", null);
    config.put("eos_token", IM_END);
    config.put("pad_token", END_OF_TEXT);
    config.put("model_max_length", config().maxPositionEmbeddings());
    config.put("chat_template", CHAT_TEMPLATE);
    return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(config);
  }

  /**
   * Writes the tokenizer to {@code tokenizerJson} and its tokenizer_config.json (the chat template)
   * beside it.
   *
   * @return {@code tokenizerJson}
   */
  public static Path writeTokenizer(Path tokenizerJson) throws IOException {
    Files.writeString(tokenizerJson, tokenizerJson());
    Files.writeString(tokenizerJson.resolveSibling(ChatTemplate.CONFIG), tokenizerConfigJson());
    return tokenizerJson;
  }

  /** The model shape; {@code <|im_end|>} (the last special token) ends a response. */
  public static ModelConfig config() {
    int imEnd = VOCAB_SIZE - 1;
    return new ModelConfig(
        VOCAB_SIZE, 160, 4, 4, 2, 448, 10000.0, 1e-6, true, 1024, -1, List.of(imEnd));
  }

  /**
   * Writes config.json, tokenizer.json and freshly initialised weights to {@code dir}.
   *
   * @return {@code dir}
   */
  public static Path write(Path dir, long seed) throws IOException {
    Files.createDirectories(dir);
    Path tokenizerFile = dir.resolve(HfModelDir.TOKENIZER);
    writeTokenizer(tokenizerFile);
    try (Tokenizer tokenizer = Tokenizer.load(tokenizerFile)) {
      int imEnd = tokenizer.tokenId(IM_END);
      if (imEnd != config().eosTokenIds().get(0)) {
        throw new IllegalStateException(
            "embedded tokenizer puts <|im_end|> at "
                + imEnd
                + ", config expects "
                + config().eosTokenIds());
      }
    }
    try (Qwen2Model model = Qwen2Model.initialize(config(), seed, Device.cpu())) {
      HfModelDir.save(model, tokenizerFile, dir);
    }
    return dir;
  }
}
