package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fraction;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.expr.Expr;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random expressions over small positive integers. Knobs: {@code terms} (number of operands),
 * {@code maxOperand}, {@code division} (allow {@code /}, so answers may be fractions), {@code
 * maxMagnitude} (bound on the numerator and denominator of the answer).
 */
final class ArithmeticGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final int MAX_TRIES = 1_000;

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("terms", 3);
    d.put("maxOperand", 20);
    d.put("division", true);
    d.put("maxMagnitude", 100_000);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(ArithmeticFamily.NAME, DEFAULTS, overrides);
    int terms = knobs.intIn("terms", 2, 12);
    int maxOperand = knobs.intIn("maxOperand", 2, 1_000_000);
    boolean division = knobs.bool("division");
    int maxMagnitude = knobs.intIn("maxMagnitude", 10, Integer.MAX_VALUE);

    SplittableRandom rng = Seeds.forProblem(ArithmeticFamily.NAME, seed, index);
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      Expr e = build(rng, terms, maxOperand, division);
      try {
        Fraction value = e.value();
        if (Math.abs(value.num()) <= maxMagnitude && value.den() <= maxMagnitude) {
          ArithmeticSpec spec = new ArithmeticSpec(e.render(), value);
          return Problem.generated(
              ArithmeticFamily.NAME, seed, index, knobs, prompt(spec.expression()), spec.toMap());
        }
      } catch (ArithmeticException tooLargeOrZeroDivisor) {
        // draw another expression
      }
    }
    throw new InvalidProblemException(
        "arithmetic difficulty: no expression within maxMagnitude "
            + maxMagnitude
            + " found in "
            + MAX_TRIES
            + " tries; raise maxMagnitude or lower terms/maxOperand");
  }

  static String prompt(String expression) {
    return "Compute the exact value of the expression below. Give an integer or a fraction in"
        + " lowest terms, and put the final answer in \\boxed{}.\n\n"
        + expression;
  }

  private static Expr build(SplittableRandom rng, int leaves, int maxOperand, boolean division) {
    if (leaves == 1) {
      return new Expr.Num(rng.nextInt(1, maxOperand + 1));
    }
    int leftLeaves = rng.nextInt(1, leaves);
    Expr left = build(rng, leftLeaves, maxOperand, division);
    Expr right = build(rng, leaves - leftLeaves, maxOperand, division);
    String ops = division ? "+-*/" : "+-*";
    return new Expr.BinOp(ops.charAt(rng.nextInt(ops.length())), left, right);
  }
}
