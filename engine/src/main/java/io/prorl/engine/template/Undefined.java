package io.prorl.engine.template;

/**
 * jinja2's default {@code Undefined}: renders as "", is false, equals only another undefined; any
 * other use (an attribute, an operator, a call) is an error naming what was undefined.
 */
record Undefined(String hint) {
  TemplateException error() {
    return new TemplateException(hint + " is undefined");
  }
}
