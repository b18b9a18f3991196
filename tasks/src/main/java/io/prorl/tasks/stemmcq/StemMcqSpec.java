package io.prorl.tasks.stemmcq;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the multiple-choice verifier needs.
 *
 * @param options the option texts, lettered A, B, C, ... in order
 * @param answer the correct letter
 */
public record StemMcqSpec(List<String> options, char answer) {

  public StemMcqSpec {
    options = List.copyOf(options);
  }

  public static StemMcqSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    List<String> options =
        Fields.stringList(Fields.require(v, "options", "verifier"), "verifier.options");
    if (options.size() < 2 || options.size() > 26) {
      throw new InvalidProblemException(
          "verifier.options: need 2 to 26 options, got " + options.size());
    }
    String answer = Fields.requireString(v, "answer", "verifier");
    if (answer.length() != 1
        || answer.charAt(0) < 'A'
        || answer.charAt(0) >= 'A' + options.size()) {
      throw new InvalidProblemException(
          "verifier.answer: expected one letter A-"
              + letter(options.size() - 1)
              + ", got '"
              + answer
              + "'");
    }
    return new StemMcqSpec(options, answer.charAt(0));
  }

  static char letter(int index) {
    return (char) ('A' + index);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("options", options);
    m.put("answer", String.valueOf(answer));
    return m;
  }
}
