package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fields;
import io.prorl.tasks.Fraction;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the arithmetic verifier needs.
 *
 * @param expression the expression to evaluate, as shown in the prompt
 * @param answer its exact value
 */
public record ArithmeticSpec(String expression, Fraction answer) {

  public static ArithmeticSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    String expression = Fields.requireString(v, "expression", "verifier");
    String answer = Fields.requireString(v, "answer", "verifier");
    try {
      return new ArithmeticSpec(expression, MathAnswer.parse(answer));
    } catch (NumberFormatException e) {
      throw new InvalidProblemException("verifier.answer: " + e.getMessage());
    }
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("expression", expression);
    m.put("answer", answer.toString());
    return m;
  }
}
