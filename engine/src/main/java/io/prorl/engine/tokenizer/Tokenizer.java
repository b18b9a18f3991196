package io.prorl.engine.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.prorl.tasks.ChatMessage;
import io.prorl.tasks.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL's tokenizers binding, with the chat
 * template of the {@code tokenizer_config.json} beside it. Encoding adds no special tokens and
 * never truncates (DJL's default would silently cut at 512 tokens).
 */
public final class Tokenizer implements AutoCloseable {
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer hf;
  private final Path file;
  private final ChatTemplate chatTemplate;

  private Tokenizer(HuggingFaceTokenizer hf, Path file, ChatTemplate chatTemplate) {
    this.hf = hf;
    this.file = file;
    this.chatTemplate = chatTemplate;
  }

  /**
   * Loads {@code tokenizerJson} and, when a {@code tokenizer_config.json} lies beside it, its chat
   * template (a broken one fails here, naming the file and field).
   */
  public static Tokenizer load(Path tokenizerJson) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("no tokenizer.json at " + tokenizerJson);
    }
    Path config = tokenizerJson.resolveSibling(ChatTemplate.CONFIG);
    ChatTemplate template = Files.isRegularFile(config) ? ChatTemplate.readIfPresent(config) : null;
    try {
      return new Tokenizer(
          HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS), tokenizerJson, template);
    } catch (RuntimeException e) {
      // the native tokenizers library reports a malformed file as a bare RuntimeException
      throw new IOException(tokenizerJson + ": not a readable tokenizer: " + e.getMessage(), e);
    }
  }

  /**
   * The model's chat template.
   *
   * @throws IllegalStateException when no {@code tokenizer_config.json} with a {@code
   *     chat_template} lies beside the tokenizer: the prompt format is then unknown, and no format
   *     is guessed
   */
  public ChatTemplate chatTemplate() {
    if (chatTemplate == null) {
      Path config = file.resolveSibling(ChatTemplate.CONFIG);
      throw new IllegalStateException(
          config
              + (Files.isRegularFile(config) ? " has no field chat_template" : " is missing")
              + ": the model's chat template (its prompt format) is unknown");
    }
    return chatTemplate;
  }

  /** The token ids of the prompt the policy sees for {@code problem}: its chat, rendered. */
  public int[] encodePrompt(Problem problem) {
    return encodePrompt(problem.conversation().toArray(ChatMessage[]::new));
  }

  /**
   * The token ids of {@code messages} rendered by the chat template, with the generation prompt.
   */
  public int[] encodePrompt(ChatMessage... messages) {
    return encode(chatTemplate().render(List.of(messages), true));
  }

  /** Token ids of {@code text}; special tokens written in the text (e.g. <|im_end|>) are kept. */
  public int[] encode(String text) {
    long[] ids = hf.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** The text of {@code ids}, special tokens included. */
  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  /** The text of {@code ids[from, to)}. */
  public String decode(int[] ids, int from, int to) {
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = ids[i];
    }
    return hf.decode(l, false);
  }

  /** The id of a token written as one piece (e.g. {@code <|im_end|>}), or -1. */
  public int tokenId(String token) {
    long[] ids = hf.encode(token, false, false).getIds();
    return ids.length == 1 ? (int) ids[0] : -1;
  }

  /** Where it was loaded from. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    hf.close();
  }
}
