package io.prorl.engine.template;

/** A token of an expression: a name, a number, a string literal or an operator. */
record Token(Type type, String text, Object value) {
  enum Type {
    NAME,
    NUMBER,
    STRING,
    OP,
    END
  }

  boolean is(String op) {
    return (type == Type.OP || type == Type.NAME) && text.equals(op);
  }
}
