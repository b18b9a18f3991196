package io.prorl.tasks;

import java.text.Normalizer;

/**
 * Folds an answer to plain ASCII for the families whose answers are numbers, expressions or option
 * letters. Compatibility forms are folded (NFKC: fullwidth {@code ３} is {@code 3}), a few math
 * signs are mapped ({@code −} to {@code -}, {@code ×} to {@code *}, {@code ÷} to {@code /}); any
 * other non-ASCII character, such as a Cyrillic look-alike of a Latin letter, is refused with its
 * code point named.
 */
public final class AsciiAnswer {
  private AsciiAnswer() {}

  /** The folded text, or a failure naming the first character that cannot be folded. */
  public static Answer fold(String text) {
    if (isAscii(text)) {
      return Answer.found(text);
    }
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder(n.length());
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      switch (c) {
        case '\u2212', '\u2013', '\u2012' -> out.append('-');
        case '\u00D7', '\u22C5', '\u00B7' -> out.append('*');
        case '\u00F7', '\u2215' -> out.append('/');
        case '\u00A0', '\u2009', '\u202F' -> out.append(' ');
        default -> {
          if (c > 127) {
            return Answer.missing(
                String.format(
                    "answer contains the non-ASCII character U+%04X ('%s'), which is not read as"
                        + " a digit, operator or letter",
                    (int) c, String.valueOf(c)));
          }
          out.append(c);
        }
      }
    }
    return Answer.found(out.toString());
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }
}
