package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fraction;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;
import io.prorl.tasks.expr.Expr;
import io.prorl.tasks.expr.ExpressionParser;

/**
 * Parses the expression and writes its worked solution: one line per operation, or for {@code
 * worked: columns} one line per column of a two-term sum.
 */
final class ArithmeticSolver {

  Solution solve(Problem problem) {
    ArithmeticSpec spec = ArithmeticSpec.of(problem);
    Expr expr = ExpressionParser.parse(spec.expression(), true);
    if (ArithmeticGenerator.COLUMNS.equals(problem.difficulty().get("worked"))) {
      return columns(expr);
    }
    StringBuilder work = new StringBuilder();
    expr.postOrder(op ->
        work.append(show(op.left().value()))
            .append(' ')
            .append(op.op())
            .append(' ')
            .append(show(op.right().value()))
            .append(" = ")
            .append(show(op.value()))
            .append('\n'));
    String answer = expr.value().toString();
    work.append("The value is ").append(answer).append(".\n\\boxed{").append(answer).append('}');
    return new Solution(answer, work.toString());
  }

  private static String show(Fraction f) {
    return f.num() < 0 || !f.isInteger() ? "(" + f + ")" : f.toString();
  }

  /**
   * Column addition, ones first: each line adds a column's digits and the carry, d_a + d_b + c = s;
   * the column writes s mod 10 and carries s div 10, the last column writes s whole.
   */
  private static Solution columns(Expr expr) {
    if (!(expr instanceof Expr.BinOp sum)
        || sum.op() != '+'
        || !(sum.left() instanceof Expr.Num)
        || !(sum.right() instanceof Expr.Num)) {
      throw new InvalidProblemException(
          "difficulty.worked: columns needs a sum of two whole numbers, got " + expr.render());
    }
    long a = sum.left().value().num();
    long b = sum.right().value().num();
    StringBuilder work = new StringBuilder();
    String written = "";
    long carry = 0;
    for (long x = a, y = b; x > 0 || y > 0; x /= 10, y /= 10) {
      long s = x % 10 + y % 10 + carry;
      work.append(x % 10).append(" + ").append(y % 10);
      if (carry > 0) {
        work.append(" + ").append(carry);
      }
      work.append(" = ").append(s).append('\n');
      boolean lastColumn = x < 10 && y < 10;
      written = (lastColumn ? String.valueOf(s) : String.valueOf(s % 10)) + written;
      carry = s / 10;
    }
    work.append("The value is ").append(written).append(".\n\\boxed{").append(written).append('}');
    return new Solution(written, work.toString());
  }
}
