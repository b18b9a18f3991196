package io.prorl.engine.template;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** jinja2's tests ({@code x is defined}, {@code x is string}, ...); an unknown one is refused. */
final class Tests {
  /** The tests {@link #apply} knows; a template naming another is refused when it is parsed. */
  static final Set<String> NAMES =
      Set.of(
          "defined",
          "undefined",
          "none",
          "string",
          "number",
          "integer",
          "float",
          "boolean",
          "true",
          "false",
          "mapping",
          "iterable",
          "sequence",
          "callable",
          "equalto",
          "eq",
          "==",
          "ne",
          "!=",
          "lt",
          "<",
          "le",
          "<=",
          "gt",
          ">",
          "ge",
          ">=",
          "in",
          "even",
          "odd",
          "divisibleby",
          "lower",
          "upper",
          "sameas");

  private Tests() {}

  static boolean apply(String name, Object v, List<Object> args) {
    Object arg = args.isEmpty() ? null : args.get(0);
    return switch (name) {
      case "defined" -> !(v instanceof Undefined);
      case "undefined" -> v instanceof Undefined;
      case "none" -> v == null;
      case "string" -> v instanceof String;
      case "number" -> Py.isNumber(v);
      case "integer" -> v instanceof Long;
      case "float" -> v instanceof Double;
      case "boolean" -> v instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "mapping" -> v instanceof Map<?, ?> || v instanceof Namespace;
      case "iterable" -> v instanceof List<?> || v instanceof Map<?, ?> || v instanceof String;
      case "sequence" -> v instanceof List<?> || v instanceof Map<?, ?> || v instanceof String;
      case "callable" -> v instanceof PyFunction;
      case "equalto", "eq", "==" -> Py.eq(v, arg);
      case "ne", "!=" -> !Py.eq(v, arg);
      case "lt", "<" -> Py.compare(v, arg) < 0;
      case "le", "<=" -> Py.compare(v, arg) <= 0;
      case "gt", ">" -> Py.compare(v, arg) > 0;
      case "ge", ">=" -> Py.compare(v, arg) >= 0;
      case "in" -> Py.contains(arg, v);
      case "even" -> Py.asLong(v) % 2 == 0;
      case "odd" -> Py.asLong(v) % 2 != 0;
      case "divisibleby" -> Py.asLong(v) % Py.asLong(arg) == 0;
      case "lower" -> v instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
      case "upper" -> v instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
      case "sameas" -> v == arg || (v != null && Py.isNumber(v) && Py.eq(v, arg));
      default -> throw new TemplateException("unsupported test '" + name + "'");
    };
  }
}
