package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A jinja2 template compiled for rendering as Hugging Face transformers renders chat templates:
 * {@code trim_blocks}, {@code lstrip_blocks}, the {@code loopcontrols} extension, an immutable
 * sandbox (no method of Java objects is reachable; only the Python {@code str}/{@code dict} methods
 * of {@link Methods}), a {@code tojson} without ASCII escaping, and the globals {@code
 * raise_exception(msg)}, {@code namespace(...)}, {@code range(...)} and {@code dict(...)}.
 *
 * <p>Written here because Jinjava 2.8.0 (the Java Jinja on Maven Central) rendered Qwen2.5's
 * template with stray indentation and failed on Qwen3's ({@code messages[::-1]}, {@code
 * namespace(a=expr)}, {@code str.lstrip}); see docs/DESIGN.md. A construct outside the supported
 * set is refused at compile time naming it ({@link TemplateException}).
 */
public final class JinjaTemplate {
  /** Renderings longer than this fail (a runaway loop in a template), as a limit, not a cut. */
  public static final long MAX_OUTPUT_CHARS = 16L << 20;

  private final List<Node> nodes;

  private JinjaTemplate(List<Node> nodes) {
    this.nodes = nodes;
  }

  /** Parses {@code source}; a syntax error or unsupported construct names its line. */
  public static JinjaTemplate compile(String source) {
    return new JinjaTemplate(TemplateParser.parse(source));
  }

  /**
   * Renders with {@code variables} (Java strings, numbers, booleans, lists, maps, Jackson nodes;
   * null is None). A variable absent from the map is undefined, as jinja2 treats it.
   */
  public String render(Map<String, ?> variables) {
    Scope globals = new Scope(null);
    globals.set("raise_exception", raiseException());
    globals.set("namespace", (PyFunction) (args, kwargs) -> namespace(args, kwargs));
    globals.set("range", (PyFunction) (args, kwargs) -> range(args));
    globals.set("dict", (PyFunction) (args, kwargs) -> Filters.dict(kwargs));
    Scope scope = new Scope(globals);
    variables.forEach((k, v) -> scope.set(k, toPy(v)));
    StringBuilder out = new StringBuilder();
    new Interpreter(out, MAX_OUTPUT_CHARS).run(nodes, scope);
    return out.toString();
  }

  private static PyFunction raiseException() {
    return (args, kwargs) -> {
      throw new TemplateException(
          "raise_exception: " + (args.isEmpty() ? "" : Py.str(args.get(0))));
    };
  }

  private static Namespace namespace(List<Object> args, Map<String, Object> kwargs) {
    Namespace ns = new Namespace();
    for (Object a : args) {
      if (a instanceof Map<?, ?> m) {
        m.forEach((k, v) -> ns.attributes.put(Py.str(k), v));
      }
    }
    ns.attributes.putAll(kwargs);
    return ns;
  }

  private static List<Object> range(List<Object> args) {
    long start = args.size() > 1 ? Py.asLong(args.get(0)) : 0;
    long stop = Py.asLong(args.get(args.size() > 1 ? 1 : 0));
    long step = args.size() > 2 ? Py.asLong(args.get(2)) : 1;
    if (step == 0) {
      throw new TemplateException("range() arg 3 must not be zero");
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (out.size() >= Interpreter.MAX_RANGE) {
        throw new TemplateException(
            "range too big: the sandbox allows at most " + Interpreter.MAX_RANGE + " items");
      }
      out.add(i);
    }
    return out;
  }

  /** Java and Jackson values as the template's Python values. */
  static Object toPy(Object v) {
    switch (v) {
      case null -> {
        return null;
      }
      case JsonNode n -> {
        return fromJson(n);
      }
      case Integer i -> {
        return (long) i;
      }
      case Short i -> {
        return (long) i;
      }
      case Float f -> {
        return (double) f;
      }
      case Map<?, ?> m -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(k, toPy(x)));
        return out;
      }
      case List<?> l -> {
        List<Object> out = new ArrayList<>();
        l.forEach(x -> out.add(toPy(x)));
        return out;
      }
      default -> {
        return v;
      }
    }
  }

  private static Object fromJson(JsonNode n) {
    if (n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.longValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isString()) {
      return n.asString();
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      n.forEach(x -> out.add(fromJson(x)));
      return out;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    n.properties().forEach(e -> out.put(e.getKey(), fromJson(e.getValue())));
    return out;
  }
}
