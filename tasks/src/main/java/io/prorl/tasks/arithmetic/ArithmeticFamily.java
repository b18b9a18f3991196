package io.prorl.tasks.arithmetic;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import io.prorl.tasks.expr.ExpressionException;
import io.prorl.tasks.expr.ExpressionParser;
import java.util.Map;

/** Math: exact integer and fraction arithmetic, graded by exact rational equality. */
public final class ArithmeticFamily implements TaskFamily {
  public static final String NAME = "arithmetic";

  private final ArithmeticGenerator generator = new ArithmeticGenerator();
  private final ArithmeticSolver solver = new ArithmeticSolver();
  private final ArithmeticVerifier verifier = new ArithmeticVerifier();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "exact arithmetic over integers and fractions; binary reward";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return ArithmeticGenerator.DEFAULTS;
  }

  @Override
  public Problem generate(Map<String, ?> difficulty, long seed, int index) {
    return generator.generate(difficulty, seed, index);
  }

  @Override
  public Solution solve(Problem problem) {
    return solver.solve(problem);
  }

  @Override
  public Reward score(Problem problem, String completion) {
    return verifier.score(problem, completion);
  }

  @Override
  public void validate(Problem problem) {
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
