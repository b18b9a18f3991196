package io.prorl.engine.template;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at a point of rendering. A for loop's every iteration gets its own scope, so
 * that (as in jinja2) a {@code set} inside a loop is not seen after it, nor by the next iteration.
 */
final class Scope {
  private final Scope parent;
  private final Map<String, Object> vars = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Object get(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      if (s.vars.containsKey(name)) {
        return s.vars.get(name);
      }
    }
    return new Undefined("'" + name + "'");
  }

  void set(String name, Object value) {
    vars.put(name, value);
  }
}
