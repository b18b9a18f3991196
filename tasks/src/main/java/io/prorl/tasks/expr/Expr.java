package io.prorl.tasks.expr;

import io.prorl.tasks.Fraction;
import java.util.List;
import java.util.function.Consumer;

/** An arithmetic expression over integers with + - * / and exact rational value. */
public sealed interface Expr {

  /** Exact value; throws {@link ArithmeticException} on division by zero or overflow. */
  Fraction value();

  /** Written with the fewest parentheses that keep its meaning, e.g. {@code (3 + 4) * 5}. */
  String render();

  /** Adds every integer literal, left to right, to {@code out}. */
  void literals(List<Long> out);

  /** Calls {@code visitor} on every operation node after its operands (evaluation order). */
  void postOrder(Consumer<BinOp> visitor);

  record Num(long literal) implements Expr {
    @Override
    public Fraction value() {
      return Fraction.of(literal);
    }

    @Override
    public String render() {
      return literal < 0 ? "(" + literal + ")" : Long.toString(literal);
    }

    @Override
    public void literals(List<Long> out) {
      out.add(literal);
    }

    @Override
    public void postOrder(Consumer<BinOp> visitor) {}
  }

  record Neg(Expr operand) implements Expr {
    @Override
    public Fraction value() {
      return Fraction.ZERO.minus(operand.value());
    }

    @Override
    public String render() {
      return "-" + (operand instanceof Num ? operand.render() : "(" + operand.render() + ")");
    }

    @Override
    public void literals(List<Long> out) {
      operand.literals(out);
    }

    @Override
    public void postOrder(Consumer<BinOp> visitor) {
      operand.postOrder(visitor);
    }
  }

  record BinOp(char op, Expr left, Expr right) implements Expr {
    public BinOp {
      if ("+-*/".indexOf(op) < 0) {
        throw new IllegalArgumentException("unknown operator " + op);
      }
    }

    @Override
    public Fraction value() {
      Fraction a = left.value();
      Fraction b = right.value();
      return switch (op) {
        case '+' -> a.plus(b);
        case '-' -> a.minus(b);
        case '*' -> a.times(b);
        default -> a.dividedBy(b);
      };
    }

    @Override
    public String render() {
      return wrap(left, false) + " " + op + " " + wrap(right, true);
    }

    @Override
    public void literals(List<Long> out) {
      left.literals(out);
      right.literals(out);
    }

    @Override
    public void postOrder(Consumer<BinOp> visitor) {
      left.postOrder(visitor);
      right.postOrder(visitor);
      visitor.accept(this);
    }

    int precedence() {
      return op == '+' || op == '-' ? 1 : 2;
    }

    private String wrap(Expr child, boolean isRight) {
      if (child instanceof BinOp b) {
        boolean needs =
            b.precedence() < precedence()
                || (isRight && b.precedence() == precedence() && (op == '-' || op == '/'));
        return needs ? "(" + b.render() + ")" : b.render();
      }
      return child.render();
    }
  }
}
