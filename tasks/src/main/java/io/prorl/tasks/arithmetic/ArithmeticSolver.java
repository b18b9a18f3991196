package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fraction;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;
import io.prorl.tasks.expr.Expr;
import io.prorl.tasks.expr.ExpressionParser;

/** Parses the expression, evaluates it operation by operation and writes each step. */
final class ArithmeticSolver {

  Solution solve(Problem problem) {
    ArithmeticSpec spec = ArithmeticSpec.of(problem);
    Expr expr = ExpressionParser.parse(spec.expression(), true);
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
}
