package io.prorl.tasks.countdown;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;
import io.prorl.tasks.expr.Expr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exhaustive search: repeatedly replaces two numbers by their sum, difference, product or exact
 * quotient (intermediate results positive integers), remembering visited multisets, until the
 * target appears.
 */
final class CountdownSolver {

  Solution solve(Problem problem) {
    CountdownSpec spec = CountdownSpec.of(problem);
    List<Expr> pool = new ArrayList<>();
    for (int n : spec.numbers()) {
      pool.add(new Expr.Num(n));
    }
    Expr found = search(pool, spec.target(), new HashSet<>());
    if (found == null) {
      throw new InvalidProblemException(
          "countdown problem " + problem.id() + ": target " + spec.target() + " is unreachable");
    }
    StringBuilder work = new StringBuilder();
    found.postOrder(op ->
        work.append(op.left().value())
            .append(' ')
            .append(op.op())
            .append(' ')
            .append(op.right().value())
            .append(" = ")
            .append(op.value())
            .append('\n'));
    String answer = found.render();
    work.append("So ")
        .append(answer)
        .append(" = ")
        .append(spec.target())
        .append(".\n<answer>")
        .append(answer)
        .append("</answer>");
    return new Solution(answer, work.toString());
  }

  private static Expr search(List<Expr> pool, long target, Set<String> seen) {
    for (Expr e : pool) {
      if (e.value().num() == target) {
        return e;
      }
    }
    if (pool.size() < 2 || !seen.add(key(pool))) {
      return null;
    }
    for (int i = 0; i < pool.size(); i++) {
      for (int j = i + 1; j < pool.size(); j++) {
        Expr a = pool.get(i);
        Expr b = pool.get(j);
        for (Expr combined : combinations(a, b)) {
          List<Expr> next = new ArrayList<>(pool.size() - 1);
          for (int k = 0; k < pool.size(); k++) {
            if (k != i && k != j) {
              next.add(pool.get(k));
            }
          }
          next.add(combined);
          Expr found = search(next, target, seen);
          if (found != null) {
            return found;
          }
        }
      }
    }
    return null;
  }

  private static List<Expr> combinations(Expr a, Expr b) {
    long x = a.value().num();
    long y = b.value().num();
    Expr hi = x >= y ? a : b;
    Expr lo = x >= y ? b : a;
    long h = Math.max(x, y);
    long l = Math.min(x, y);
    List<Expr> out = new ArrayList<>(4);
    out.add(new Expr.BinOp('+', hi, lo));
    if (l > 1) {
      out.add(new Expr.BinOp('*', hi, lo));
    }
    if (h != l) {
      out.add(new Expr.BinOp('-', hi, lo));
    }
    if (l > 1 && h % l == 0) {
      out.add(new Expr.BinOp('/', hi, lo));
    }
    return out;
  }

  private static String key(List<Expr> pool) {
    long[] values = new long[pool.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = pool.get(i).value().num();
    }
    Arrays.sort(values);
    return Arrays.toString(values);
  }
}
