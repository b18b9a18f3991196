package io.prorl.engine.template;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code tojson} filter as Hugging Face transformers defines it for chat templates: {@code
 * json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)}, so
 * non-ASCII text stays as written and the separators are Python's defaults ({@code ", "} and {@code
 * ": "}; {@code ","} between items when indenting).
 */
final class Json {
  private Json() {}

  static String dumps(Object v, Object indent, List<?> separators, boolean sortKeys) {
    String pad =
        indent == null
            ? null
            : indent instanceof String s ? s : " ".repeat((int) Math.max(0, Py.asLong(indent)));
    String item = separators != null ? (String) separators.get(0) : pad == null ? ", " : ",";
    String key = separators != null ? (String) separators.get(1) : ": ";
    StringBuilder b = new StringBuilder();
    write(b, v, pad, item, key, sortKeys, 0);
    return b.toString();
  }

  private static void write(
      StringBuilder b, Object v, String pad, String item, String key, boolean sort, int depth) {
    switch (v) {
      case null -> b.append("null");
      case Boolean x -> b.append(x ? "true" : "false");
      case Long x -> b.append(x);
      case Double x ->
          b.append(
              x.isNaN()
                  ? "NaN"
                  : x.isInfinite() ? (x > 0 ? "Infinity" : "-Infinity") : Py.floatRepr(x));
      case String s -> string(b, s);
      case List<?> l -> {
        if (l.isEmpty()) {
          b.append("[]");
          return;
        }
        b.append('[');
        for (int i = 0; i < l.size(); i++) {
          b.append(i > 0 ? item : "");
          newline(b, pad, depth + 1);
          write(b, l.get(i), pad, item, key, sort, depth + 1);
        }
        newline(b, pad, depth);
        b.append(']');
      }
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          b.append("{}");
          return;
        }
        Map<?, ?> entries = sort ? new TreeMap<>(m) : m;
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
          b.append(first ? "" : item);
          first = false;
          newline(b, pad, depth + 1);
          string(b, Py.str(e.getKey()));
          b.append(key);
          write(b, e.getValue(), pad, item, key, sort, depth + 1);
        }
        newline(b, pad, depth);
        b.append('}');
      }
      case Namespace n -> write(b, n.attributes, pad, item, key, sort, depth);
      case Undefined u -> throw u.error();
      default -> throw new TemplateException("Object of type function is not JSON serializable");
    }
  }

  private static void newline(StringBuilder b, String pad, int depth) {
    if (pad != null) {
      b.append('\n').append(pad.repeat(depth));
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
