package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fraction;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.expr.Expr;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random expressions over small positive integers. Knobs: {@code terms} (number of operands),
 * {@code maxOperand}, {@code operations} (which of {@code + - *} appear), {@code division} (also
 * allow {@code /}, so answers may be fractions), {@code maxMagnitude} (bound on the numerator and
 * denominator of the answer) and {@code worked}, the worked solution's style: {@code steps} (one
 * line per operation) or {@code columns} (two-term sums digit by digit, ones first, with the carry:
 * a held-out sum then needs only the one-digit sums every training solution shows, where a steps
 * solution of an unseen sum is an unseen fact).
 */
final class ArithmeticGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final int MAX_TRIES = 1_000;
  static final String STEPS = "steps";
  static final String COLUMNS = "columns";

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("terms", 3);
    d.put("maxOperand", 20);
    d.put("division", true);
    d.put("maxMagnitude", 100_000);
    d.put("operations", "+-*");
    d.put("worked", STEPS);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(ArithmeticFamily.NAME, DEFAULTS, overrides);
    int terms = knobs.intIn("terms", 2, 12);
    int maxOperand = knobs.intIn("maxOperand", 2, 1_000_000);
    boolean division = knobs.bool("division");
    int maxMagnitude = knobs.intIn("maxMagnitude", 10, Integer.MAX_VALUE);
    String ops = operations(knobs) + (division ? "/" : "");
    if (knobs.text("worked", List.of(STEPS, COLUMNS)).equals(COLUMNS)
        && (terms != 2 || !ops.equals("+"))) {
      throw new InvalidProblemException(
          "arithmetic difficulty.worked: columns works out two-term sums only (terms 2, operations"
              + " +, division false); got terms "
              + terms
              + ", operations "
              + ops);
    }

    SplittableRandom rng = Seeds.forProblem(ArithmeticFamily.NAME, seed, index);
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      Expr e = build(rng, terms, maxOperand, ops);
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

  /** The {@code operations} knob: one or more of {@code + - *}, each once, in that order. */
  private static String operations(Knobs knobs) {
    return knobs.text("operations", List.of("+", "-", "*", "+-", "+*", "-*", "+-*"));
  }

  private static Expr build(SplittableRandom rng, int leaves, int maxOperand, String ops) {
    if (leaves == 1) {
      return new Expr.Num(rng.nextInt(1, maxOperand + 1));
    }
    int leftLeaves = rng.nextInt(1, leaves);
    Expr left = build(rng, leftLeaves, maxOperand, ops);
    Expr right = build(rng, leaves - leftLeaves, maxOperand, ops);
    return new Expr.BinOp(ops.charAt(rng.nextInt(ops.length())), left, right);
  }
}
