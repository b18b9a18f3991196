package io.prorl.tasks.expr;

/** An expression that cannot be parsed; the message names the position. */
public class ExpressionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExpressionException(String message) {
    super(message);
  }
}
