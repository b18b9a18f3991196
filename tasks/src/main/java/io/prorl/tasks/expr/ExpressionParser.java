package io.prorl.tasks.expr;

/**
 * A safe recursive-descent parser for integer arithmetic: {@code + - * /}, parentheses, integer
 * literals and (optionally) unary minus. No script engine, bounded length and nesting, so hostile
 * input fails fast with a message naming the position.
 *
 * <pre>
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := integer | '(' expr ')' | '-' factor      (unary minus only when allowed)
 * </pre>
 */
public final class ExpressionParser {
  public static final int MAX_LENGTH = 1_000;
  public static final int MAX_DEPTH = 64;

  private final String text;
  private final boolean allowUnaryMinus;
  private int pos;
  private int depth;

  private ExpressionParser(String text, boolean allowUnaryMinus) {
    this.text = text;
    this.allowUnaryMinus = allowUnaryMinus;
  }

  /**
   * @throws ExpressionException naming the position and what was expected
   */
  public static Expr parse(String text, boolean allowUnaryMinus) {
    if (text.length() > MAX_LENGTH) {
      throw new ExpressionException(
          "expression is " + text.length() + " characters long, over the limit of " + MAX_LENGTH);
    }
    ExpressionParser p = new ExpressionParser(text, allowUnaryMinus);
    Expr e = p.expr();
    p.skipSpaces();
    if (p.pos < text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    }
    return e;
  }

  private Expr expr() {
    Expr left = term();
    while (true) {
      skipSpaces();
      if (peek('+') || peek('-')) {
        char op = text.charAt(pos++);
        left = new Expr.BinOp(op, left, term());
      } else {
        return left;
      }
    }
  }

  private Expr term() {
    Expr left = factor();
    while (true) {
      skipSpaces();
      if (peek('*') || peek('/')) {
        char op = text.charAt(pos++);
        left = new Expr.BinOp(op, left, factor());
      } else {
        return left;
      }
    }
  }

  private Expr factor() {
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    try {
      skipSpaces();
      if (pos >= text.length()) {
        throw error("expression ends where a number or '(' was expected");
      }
      char c = text.charAt(pos);
      if (c == '(') {
        pos++;
        Expr inner = expr();
        skipSpaces();
        if (!peek(')')) {
          throw error("missing ')'");
        }
        pos++;
        return inner;
      }
      if (c == '-') {
        if (!allowUnaryMinus) {
          throw error("unary minus is not allowed");
        }
        pos++;
        return new Expr.Neg(factor());
      }
      if (c >= '0' && c <= '9') {
        return number();
      }
      throw error("unexpected '" + c + "' where a number or '(' was expected");
    } finally {
      depth--;
    }
  }

  private Expr number() {
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) {
      pos++;
    }
    if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == ',')) {
      throw error("only integers are allowed");
    }
    if (pos - start > 15) {
      throw error("number too long");
    }
    return new Expr.Num(Long.parseLong(text, start, pos, 10));
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private ExpressionException error(String what) {
    return new ExpressionException(what + " at position " + (pos + 1) + " of the expression");
  }
}
