package io.prorl.tasks.countdown;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Fraction;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.expr.Expr;
import io.prorl.tasks.expr.ExpressionException;
import io.prorl.tasks.expr.ExpressionParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary: 1 when the expression parses, uses only the given numbers (each at most as often as
 * given) and equals the target exactly. A trailing {@code = target} is ignored.
 */
final class CountdownVerifier {

  Reward score(Problem problem, String completion) {
    Answer answer = AnswerExtractor.extractAscii(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    String text = answer.text();
    int eq = text.indexOf('=');
    if (eq >= 0) {
      text = text.substring(0, eq);
    }
    Expr expr;
    try {
      expr = ExpressionParser.parse(text, false);
    } catch (ExpressionException e) {
      return Reward.formatFailure("answer is not an expression: " + e.getMessage());
    }
    CountdownSpec spec = CountdownSpec.of(problem);
    String misuse = misuse(expr, spec.numbers());
    if (misuse != null) {
      return Reward.wrong(misuse);
    }
    Fraction value;
    try {
      value = expr.value();
    } catch (ArithmeticException e) {
      return Reward.wrong("expression cannot be evaluated: " + e.getMessage());
    }
    return value.equals(Fraction.of(spec.target()))
        ? Reward.correct("expression equals the target " + spec.target())
        : Reward.wrong("expression equals " + value + ", not the target " + spec.target());
  }

  /** Why the literals are not a sub-multiset of the given numbers, or null when they are. */
  private static String misuse(Expr expr, List<Integer> numbers) {
    Map<Long, Integer> left = new HashMap<>();
    for (int n : numbers) {
      left.merge((long) n, 1, Integer::sum);
    }
    List<Long> used = new ArrayList<>();
    expr.literals(used);
    for (long n : used) {
      Integer remaining = left.get(n);
      if (remaining == null) {
        return "number " + n + " is not among the given numbers";
      }
      if (remaining == 0) {
        return "number " + n + " is used more often than given";
      }
      left.put(n, remaining - 1);
    }
    return null;
  }
}
