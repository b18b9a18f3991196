package io.prorl.tasks.instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A response analysed once for every constraint: its words (runs of letters and digits, inner
 * apostrophes kept, lower-cased) and its lines.
 */
record ResponseText(String text, List<String> words, List<String> lines) {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}\\p{N}]+)*");

  static ResponseText of(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      words.add(m.group().toLowerCase(Locale.ROOT));
    }
    return new ResponseText(text, words, text.lines().toList());
  }

  static int countWords(String text) {
    int n = 0;
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      n++;
    }
    return n;
  }
}
