package io.prorl.tasks.stemmcq;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;

/**
 * Binary: 1 for the correct option. The answer is read as one option letter ({@code C}, {@code
 * (C)}, {@code C)}, {@code c}, {@code **C**}, {@code C) 4.5 m/s}) or as the exact text of one
 * option; anything else, several letters included, is a format failure.
 */
final class StemMcqVerifier {
  private static final String WRAPPING = "*()[]{}.:'\" ";

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

  private static int chosenOption(String text, StemMcqSpec spec) {
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
    return spec.options().indexOf(text.strip());
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
