package io.prorl.tasks.stemmcq;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Fraction;
import io.prorl.tasks.LatexAnswer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binary: 1 for the correct option. The answer is read, after its LaTeX dress comes off ({@link
 * LatexAnswer}: {@code \text{C}}, {@code \textbf{(C)}}, {@code $C$}), as one option letter ({@code
 * C}, {@code (C)}, {@code C)}, {@code c}, {@code **C**}, {@code C) 4.5 m/s}) or as the text of one
 * option, whose number may be spelled another way ({@code 4.50 m/s}, {@code 4.5\,\text{m/s}});
 * anything else, several letters included, is a format failure.
 */
final class StemMcqVerifier {
  private static final String WRAPPING = "*()[]{}.:'\" ";
  private static final Pattern VALUE_UNIT = Pattern.compile("^([+-]?\\d+(?:\\.\\d+)?) ?(\\S.*)?$");

  Reward score(Problem problem, String completion) {
    Answer answer = AnswerExtractor.extractAscii(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    StemMcqSpec spec = StemMcqSpec.of(problem);
    int chosen = chosenOption(answer.text(), spec);
    if (chosen < 0) {
      return Reward.formatFailure(
          "answer is not one option letter A-"
              + StemMcqSpec.letter(spec.options().size() - 1)
              + " nor the text of one option");
    }
    char letter = StemMcqSpec.letter(chosen);
    return letter == spec.answer()
        ? Reward.correct("option " + letter + " is correct")
        : Reward.wrong("option " + letter + " is wrong");
  }

  private static int chosenOption(String raw, StemMcqSpec spec) {
    String text = LatexAnswer.unwrap(raw);
    String t = trim(text);
    int options = spec.options().size();
    if (t.length() == 1) {
      return letterIndex(t.charAt(0), options);
    }
    if (t.length() > 2 && ").:".indexOf(t.charAt(1)) >= 0 && t.charAt(2) == ' ') {
      int index = letterIndex(t.charAt(0), options);
      if (index >= 0) {
        return index;
      }
    }
    return optionWithText(text, spec.options());
  }

  /**
   * The option the answer spells out: the same text (whitespace runs collapsed), or the same value
   * and unit ({@code 4.50 m/s}, {@code 4.5\,\text{m/s}} and {@code 4.5 m/s} are one option).
   */
  private static int optionWithText(String text, List<String> options) {
    String answer = collapse(text);
    for (int i = 0; i < options.size(); i++) {
      if (collapse(options.get(i)).equals(answer)) {
        return i;
      }
    }
    Matcher a = VALUE_UNIT.matcher(answer);
    if (!a.matches()) {
      return -1;
    }
    for (int i = 0; i < options.size(); i++) {
      Matcher o = VALUE_UNIT.matcher(collapse(options.get(i)));
      if (o.matches()
          && java.util.Objects.equals(o.group(2), a.group(2))
          && Fraction.ofDecimal(o.group(1)).equals(Fraction.ofDecimal(a.group(1)))) {
        return i;
      }
    }
    return -1;
  }

  private static String collapse(String s) {
    return s.strip().replaceAll("\\s+", " ");
  }

  private static int letterIndex(char c, int options) {
    int index = Character.toUpperCase(c) - 'A';
    return index >= 0 && index < options ? index : -1;
  }

  private static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && WRAPPING.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && WRAPPING.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }
}
