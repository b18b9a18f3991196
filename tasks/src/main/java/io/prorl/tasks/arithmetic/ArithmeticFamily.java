package io.prorl.tasks.arithmetic;

import io.prorl.tasks.ComposedFamily;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.expr.ExpressionException;
import io.prorl.tasks.expr.ExpressionParser;

/** Math: exact integer and fraction arithmetic, graded by exact rational equality. */
public final class ArithmeticFamily extends ComposedFamily {
  public static final String NAME = "arithmetic";

  public ArithmeticFamily() {
    super(
        NAME,
        "exact arithmetic over integers and fractions; binary reward",
        false,
        ArithmeticGenerator.DEFAULTS,
        new ArithmeticGenerator()::generate,
        new ArithmeticSolver()::solve,
        new ArithmeticVerifier()::score,
        ArithmeticFamily::check);
  }

  /** The recorded answer must be the value of the recorded expression. */
  private static void check(Problem problem) {
    ArithmeticSpec spec = ArithmeticSpec.of(problem);
    try {
      if (!ExpressionParser.parse(spec.expression(), true).value().equals(spec.answer())) {
        throw new InvalidProblemException(
            "verifier.answer: " + spec.answer() + " is not the value of verifier.expression");
      }
    } catch (ExpressionException | ArithmeticException e) {
      throw new InvalidProblemException("verifier.expression: " + e.getMessage());
    }
  }
}
