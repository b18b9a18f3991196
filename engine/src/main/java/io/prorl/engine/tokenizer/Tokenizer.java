package io.prorl.engine.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL's tokenizers binding. Encoding adds no
 * special tokens and never truncates (DJL's default would silently cut at 512 tokens).
 */
public final class Tokenizer implements AutoCloseable {
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer hf;
  private final Path file;

  private Tokenizer(HuggingFaceTokenizer hf, Path file) {
    this.hf = hf;
    this.file = file;
  }

  public static Tokenizer load(Path tokenizerJson) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("no tokenizer.json at " + tokenizerJson);
    }
    try {
      return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS), tokenizerJson);
    } catch (RuntimeException e) {
      // the native tokenizers library reports a malformed file as a bare RuntimeException
      throw new IOException(tokenizerJson + ": not a readable tokenizer: " + e.getMessage(), e);
    }
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
