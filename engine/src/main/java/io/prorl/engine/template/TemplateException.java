package io.prorl.engine.template;

/**
 * A chat template that cannot be parsed or rendered: a syntax error, an unsupported construct
 * (named), or a runtime error such as {@code raise_exception(...)} or an operation on undefined.
 */
public final class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TemplateException(int line, String message) {
    super("line " + line + ": " + message);
  }

  public TemplateException(String message) {
    super(message);
  }
}
