package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's filters that chat templates use ({@code length}, {@code tojson}, {@code trim}, {@code
 * join}, {@code selectattr}, ...); an unknown filter is refused naming it, never passed through.
 */
final class Filters {
  /** The filters {@link #apply} knows; a template naming another is refused when it is parsed. */
  static final Set<String> NAMES =
      Set.of(
          "length",
          "count",
          "tojson",
          "trim",
          "string",
          "lower",
          "upper",
          "capitalize",
          "title",
          "first",
          "last",
          "join",
          "default",
          "d",
          "items",
          "list",
          "reverse",
          "replace",
          "int",
          "float",
          "abs",
          "safe",
          "unique",
          "selectattr",
          "rejectattr",
          "select",
          "reject",
          "map",
          "sum",
          "min",
          "max",
          "dictsort");

  private Filters() {}

  static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
    Object a0 = args.isEmpty() ? null : args.get(0);
    switch (name) {
      case "length", "count" -> {
        return (long) Py.length(v);
      }
      case "tojson" -> {
        Object indent = kwargs.getOrDefault("indent", a0);
        Object separators = kwargs.get("separators");
        boolean sort = Py.truthy(kwargs.get("sort_keys"));
        return Json.dumps(v, indent, (List<?>) separators, sort);
      }
      case "trim" -> {
        return Methods.strip(
            defined(v, name) instanceof String s ? s : Py.str(v),
            (String) kwargs.getOrDefault("chars", a0),
            true,
            true);
      }
      case "string" -> {
        return Py.str(v);
      }
      case "lower" -> {
        return Py.str(v).toLowerCase(Locale.ROOT);
      }
      case "upper" -> {
        return Py.str(v).toUpperCase(Locale.ROOT);
      }
      case "capitalize" -> {
        return capitalize(Py.str(v));
      }
      case "title" -> {
        return title(Py.str(v));
      }
      case "first" -> {
        List<Object> items = Py.iterate(defined(v, name));
        return items.isEmpty() ? new Undefined("first of an empty sequence") : items.get(0);
      }
      case "last" -> {
        List<Object> items = Py.iterate(defined(v, name));
        return items.isEmpty()
            ? new Undefined("last of an empty sequence")
            : items.get(items.size() - 1);
      }
      case "join" -> {
        String sep = a0 == null ? "" : Py.str(a0);
        Object attribute = kwargs.getOrDefault("attribute", args.size() > 1 ? args.get(1) : null);
        List<String> parts = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          parts.add(Py.str(attribute == null ? o : Py.item(o, attribute, "attribute")));
        }
        return String.join(sep, parts);
      }
      case "default", "d" -> {
        boolean onFalse =
            Py.truthy(kwargs.getOrDefault("boolean", args.size() > 1 ? args.get(1) : false));
        boolean use = v instanceof Undefined || (onFalse && !Py.truthy(v));
        return use ? (a0 == null && !args.isEmpty() ? null : a0 == null ? "" : a0) : v;
      }
      case "items" -> {
        if (!(defined(v, name) instanceof Map<?, ?> m)) {
          throw new TemplateException("items filter needs a mapping, got " + Py.typeName(v));
        }
        return Methods.bind(m, "items").call(List.of(), Map.of());
      }
      case "list" -> {
        return Py.iterate(defined(v, name));
      }
      case "reverse" -> {
        if (v instanceof String s) {
          return new StringBuilder(s).reverse().toString();
        }
        List<Object> items = Py.iterate(defined(v, name));
        Collections.reverse(items);
        return items;
      }
      case "replace" -> {
        return Methods.bind(Py.str(v), "replace").call(args, kwargs);
      }
      case "int" -> {
        return toInt(v, a0);
      }
      case "float" -> {
        try {
          return Py.isNumber(v) ? Py.asDouble(v) : Double.parseDouble(Py.str(v).strip());
        } catch (NumberFormatException e) {
          return a0 == null ? 0.0 : a0;
        }
      }
      case "abs" -> {
        return v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Py.asLong(v));
      }
      case "safe" -> {
        return v;
      }
      case "unique" -> {
        List<Object> out = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          if (out.stream().noneMatch(x -> Py.eq(x, o))) {
            out.add(o);
          }
        }
        return out;
      }
      case "selectattr", "rejectattr", "select", "reject" -> {
        boolean keep = name.startsWith("select");
        boolean byAttribute = name.endsWith("attr");
        List<Object> out = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          Object subject = byAttribute ? Py.item(o, Py.str(a0), Py.str(a0)) : o;
          int testAt = byAttribute ? 1 : 0;
          boolean pass =
              args.size() > testAt
                  ? Tests.apply(
                      Py.str(args.get(testAt)), subject, args.subList(testAt + 1, args.size()))
                  : Py.truthy(subject);
          if (pass == keep) {
            out.add(o);
          }
        }
        return out;
      }
      case "map" -> {
        List<Object> out = new ArrayList<>();
        Object attribute = kwargs.get("attribute");
        for (Object o : Py.iterate(v)) {
          if (attribute != null) {
            Object x = Py.item(o, attribute, Py.str(attribute));
            out.add(
                x instanceof Undefined && kwargs.containsKey("default")
                    ? kwargs.get("default")
                    : x);
          } else {
            out.add(apply(Py.str(a0), o, args.subList(1, args.size()), Map.of()));
          }
        }
        return out;
      }
      case "sum" -> {
        Object total = 0L;
        for (Object o : Py.iterate(v)) {
          total = Py.binary("+", total, o);
        }
        return total;
      }
      case "min", "max" -> {
        List<Object> items = Py.iterate(v);
        if (items.isEmpty()) {
          return new Undefined(name + " of an empty sequence");
        }
        Object best = items.get(0);
        for (Object o : items) {
          int c = Py.compare(o, best);
          if (name.equals("min") ? c < 0 : c > 0) {
            best = o;
          }
        }
        return best;
      }
      case "dictsort" -> {
        if (!(v instanceof Map<?, ?> m)) {
          throw new TemplateException("dictsort needs a mapping, got " + Py.typeName(v));
        }
        List<Object> keys = new ArrayList<>(m.keySet());
        keys.sort(Py::compare);
        List<Object> out = new ArrayList<>();
        for (Object k : keys) {
          out.add(new PyTuple(java.util.Arrays.asList(k, m.get(k))));
        }
        return out;
      }
      default -> throw new TemplateException("unsupported filter '" + name + "'");
    }
  }

  private static Object defined(Object v, String filter) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    return v;
  }

  private static Object toInt(Object v, Object fallback) {
    if (Py.isNumber(v)) {
      return v instanceof Double d ? (long) (double) d : Py.asLong(v);
    }
    try {
      return Long.parseLong(Py.str(v).strip());
    } catch (NumberFormatException e) {
      return fallback == null ? 0L : fallback;
    }
  }

  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  static String title(String s) {
    StringBuilder b = new StringBuilder();
    boolean start = true;
    for (char c : s.toCharArray()) {
      b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetterOrDigit(c);
    }
    return b.toString();
  }

  static Map<String, Object> dict(Map<String, Object> kwargs) {
    return new LinkedHashMap<>(kwargs);
  }
}
