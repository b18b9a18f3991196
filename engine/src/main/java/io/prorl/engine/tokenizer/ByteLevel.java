package io.prorl.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level scheme, as Hugging Face's ByteLevel pre-tokenizer applies it: text is split by
 * a regular expression into words, each word's UTF-8 bytes are mapped to printable characters
 * ({@code bytes_to_unicode}), and BPE merges act within a word.
 */
final class ByteLevel {
  /** The split of HF's ByteLevel pre-tokenizer with use_regex = true. */
  static final Pattern SPLIT =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  /** bytes_to_unicode: printable bytes map to themselves, the others to 256 + n. */
  static final char[] BYTE_TO_CHAR = byteToChar();

  private ByteLevel() {}

  private static char[] byteToChar() {
    char[] map = new char[256];
    boolean[] direct = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      direct[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      direct[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      direct[b] = true;
    }
    int next = 0;
    for (int b = 0; b < 256; b++) {
      map[b] = direct[b] ? (char) b : (char) (256 + next++);
    }
    return map;
  }

  /** The words of {@code text}, each as its byte-mapped string. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = SPLIT.matcher(text);
    while (m.find()) {
      byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
      StringBuilder w = new StringBuilder(bytes.length);
      for (byte b : bytes) {
        w.append(BYTE_TO_CHAR[b & 0xFF]);
      }
      out.add(w.toString());
    }
    return out;
  }
}
