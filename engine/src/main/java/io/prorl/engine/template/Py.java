package io.prorl.engine.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's value semantics as jinja2 templates see them: truth, {@code str}, {@code repr}, {@code
 * ==}, ordering, arithmetic, indexing and slicing. Values are {@code null} (None), {@link Boolean},
 * {@link Long}, {@link Double}, {@link String}, {@link List} ({@link PyTuple} for tuples), {@link
 * Map}, {@link Namespace}, {@link PyFunction} and {@link Undefined}.
 */
final class Py {
  private Py() {}

  static String typeName(Object v) {
    return switch (v) {
      case null -> "NoneType";
      case Boolean b -> "bool";
      case Long l -> "int";
      case Double d -> "float";
      case String s -> "str";
      case PyTuple t -> "tuple";
      case List<?> l -> "list";
      case Map<?, ?> m -> "dict";
      case Namespace n -> "Namespace";
      case Undefined u -> "Undefined";
      default -> "function";
    };
  }

  static boolean truthy(Object v) {
    return switch (v) {
      case null -> false;
      case Undefined u -> false;
      case Boolean b -> b;
      case Long l -> l != 0;
      case Double d -> d != 0;
      case String s -> !s.isEmpty();
      case List<?> l -> !l.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      default -> true;
    };
  }

  /** {@code str(v)}; undefined prints as "". */
  static String str(Object v) {
    return switch (v) {
      case null -> "None";
      case String s -> s;
      case Undefined u -> "";
      default -> repr(v);
    };
  }

  static String repr(Object v) {
    return switch (v) {
      case null -> "None";
      case Boolean b -> b ? "True" : "False";
      case Long l -> l.toString();
      case Double d -> floatRepr(d);
      case String s -> stringRepr(s);
      case PyTuple t -> t.size() == 1 ? "(" + repr(t.get(0)) + ",)" : join(t, "(", ")");
      case List<?> l -> join(l, "[", "]");
      case Map<?, ?> m -> {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (b.length() > 1) {
            b.append(", ");
          }
          b.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
        }
        yield b.append('}').toString();
      }
      case Undefined u -> "";
      case Namespace n -> "<Namespace " + repr(n.attributes) + ">";
      default -> "<function>";
    };
  }

  private static String join(List<?> l, String open, String close) {
    StringBuilder b = new StringBuilder(open);
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(repr(l.get(i)));
    }
    return b.append(close).toString();
  }

  /** Python's {@code repr(float)}: the shortest digits, positional between 1e-4 and 1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d));
    double a = Math.abs(d);
    if (a >= 1e-4 && a < 1e16) {
      String plain = exact.stripTrailingZeros().toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    BigDecimal unscaled = exact.stripTrailingZeros();
    String digits = unscaled.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - unscaled.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (d < 0 ? "-" : "")
        + mantissa
        + "e"
        + (exponent < 0 ? "-" : "+")
        + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
  }

  static String stringRepr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder b = new StringBuilder().append(quote);
    s.codePoints()
        .forEach(c -> {
          switch (c) {
            case '\\' -> b.append("\\\\");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            default -> {
              if (c == quote) {
                b.append('\\').append((char) c);
              } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
              } else {
                b.appendCodePoint(c);
              }
            }
          }
        });
    return b.append(quote).toString();
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Long || v instanceof Boolean;
  }

  static long asLong(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
  }

  static double asDouble(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
  }

  static boolean eq(Object a, Object b) {
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    if (a == null || b == null) {
      return a == b;
    }
    if (isNumber(a) && isNumber(b)) {
      return isIntegral(a) && isIntegral(b) ? asLong(a) == asLong(b) : asDouble(a) == asDouble(b);
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      if ((a instanceof PyTuple) != (b instanceof PyTuple) || la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!eq(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !eq(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Python's ordering: negative, zero or positive; an error for types that do not order. */
  static int compare(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return isIntegral(a) && isIntegral(b)
          ? Long.compare(asLong(a), asLong(b))
          : Double.compare(asDouble(a), asDouble(b));
    }
    if (a instanceof String sa && b instanceof String sb) {
      return sa.compareTo(sb);
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
        if (!eq(la.get(i), lb.get(i))) {
          return compare(la.get(i), lb.get(i));
        }
      }
      return Integer.compare(la.size(), lb.size());
    }
    throw undefinedOr(a, b, "'<' not supported between instances of '%s' and '%s'");
  }

  static TemplateException undefinedOr(Object a, Object b, String format) {
    if (a instanceof Undefined u) {
      return u.error();
    }
    if (b instanceof Undefined u) {
      return u.error();
    }
    return new TemplateException(String.format(format, typeName(a), typeName(b)));
  }

  static boolean contains(Object container, Object item) {
    return switch (container) {
      case null -> throw new TemplateException("argument of type 'NoneType' is not iterable");
      case String s when item instanceof String i -> s.contains(i);
      case String s ->
          throw new TemplateException(
              "'in <string>' requires string as left operand, not " + typeName(item));
      case List<?> l -> l.stream().anyMatch(x -> eq(x, item));
      case Map<?, ?> m -> m.containsKey(item);
      case Undefined u -> throw u.error();
      default ->
          throw new TemplateException(
              "argument of type '" + typeName(container) + "' is not iterable");
    };
  }

  static Object binary(String op, Object a, Object b) {
    switch (op) {
      case "~" -> {
        return str(a) + str(b);
      }
      case "+" -> {
        if (a instanceof String sa && b instanceof String sb) {
          return sa + sb;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
          List<Object> out = new ArrayList<>(la);
          out.addAll(lb);
          return a instanceof PyTuple ? new PyTuple(out) : out;
        }
      }
      case "*" -> {
        if (a instanceof String s && isIntegral(b)) {
          return s.repeat((int) Math.max(0, asLong(b)));
        }
        if (a instanceof List<?> l && isIntegral(b)) {
          List<Object> out = new ArrayList<>();
          for (long i = 0; i < asLong(b); i++) {
            out.addAll(l);
          }
          return out;
        }
      }
      default -> {}
    }
    if (!isNumber(a) || !isNumber(b)) {
      throw undefinedOr(a, b, "unsupported operand type(s) for " + op + ": '%s' and '%s'");
    }
    boolean integral = isIntegral(a) && isIntegral(b);
    switch (op) {
      case "+" -> {
        return integral ? (Object) (asLong(a) + asLong(b)) : (Object) (asDouble(a) + asDouble(b));
      }
      case "-" -> {
        return integral ? (Object) (asLong(a) - asLong(b)) : (Object) (asDouble(a) - asDouble(b));
      }
      case "*" -> {
        return integral ? (Object) (asLong(a) * asLong(b)) : (Object) (asDouble(a) * asDouble(b));
      }
      case "/" -> {
        nonZero(b);
        return asDouble(a) / asDouble(b);
      }
      case "//" -> {
        nonZero(b);
        return integral
            ? (Object) Math.floorDiv(asLong(a), asLong(b))
            : (Object) Math.floor(asDouble(a) / asDouble(b));
      }
      case "%" -> {
        nonZero(b);
        if (integral) {
          return Math.floorMod(asLong(a), asLong(b));
        }
        double r = asDouble(a) % asDouble(b);
        return r != 0 && (r < 0) != (asDouble(b) < 0) ? r + asDouble(b) : r;
      }
      case "**" -> {
        if (integral && asLong(b) >= 0) {
          return BigDecimal.valueOf(asLong(a)).pow((int) Math.min(asLong(b), 64)).longValue();
        }
        return Math.pow(asDouble(a), asDouble(b));
      }
      default -> throw new TemplateException("unknown operator " + op);
    }
  }

  private static void nonZero(Object b) {
    if (asDouble(b) == 0) {
      throw new TemplateException("division by zero");
    }
  }

  /** {@code obj[key]} as jinja2's sandbox resolves it: a missing item is undefined. */
  static Object item(Object obj, Object key, String hint) {
    switch (obj) {
      case null -> {
        return new Undefined(hint);
      }
      case Undefined u -> throw u.error();
      case List<?> l when isIntegral(key) -> {
        long i = asLong(key);
        long j = i < 0 ? i + l.size() : i;
        return j >= 0 && j < l.size() ? l.get((int) j) : new Undefined(hint);
      }
      case String s when isIntegral(key) -> {
        int[] cps = s.codePoints().toArray();
        long i = asLong(key);
        long j = i < 0 ? i + cps.length : i;
        return j >= 0 && j < cps.length
            ? new String(cps, (int) j, 1)
            : (Object) new Undefined(hint);
      }
      case Map<?, ?> m when m.containsKey(key) -> {
        return m.get(key);
      }
      default -> {}
    }
    return key instanceof String name ? attribute(obj, name, hint) : new Undefined(hint);
  }

  /** {@code obj.name}: a method of str or dict, else the item, else undefined. */
  static Object attribute(Object obj, String name, String hint) {
    if (obj instanceof Undefined u) {
      throw u.error();
    }
    PyFunction method = Methods.bind(obj, name);
    if (method != null) {
      return method;
    }
    return switch (obj) {
      case null -> new Undefined(hint);
      case Map<?, ?> m when m.containsKey(name) -> m.get(name);
      case Namespace n when n.attributes.containsKey(name) -> n.attributes.get(name);
      default -> new Undefined(hint);
    };
  }

  /** Python's {@code seq[start:stop:step]} for lists, tuples and strings. */
  static Object slice(Object obj, Object start, Object stop, Object step) {
    long st = step == null ? 1 : asLong(step);
    if (st == 0) {
      throw new TemplateException("slice step cannot be zero");
    }
    List<Object> items = new ArrayList<>();
    int[] cps = null;
    int n;
    if (obj instanceof String s) {
      cps = s.codePoints().toArray();
      n = cps.length;
    } else if (obj instanceof List<?> l) {
      n = l.size();
    } else if (obj instanceof Undefined u) {
      throw u.error();
    } else {
      throw new TemplateException("'" + typeName(obj) + "' object is not subscriptable");
    }
    long lo = bound(start, n, st > 0 ? 0 : n - 1, st);
    long hi = bound(stop, n, st > 0 ? n : -1, st);
    StringBuilder b = new StringBuilder();
    for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
      if (cps != null) {
        b.appendCodePoint(cps[(int) i]);
      } else {
        items.add(((List<?>) obj).get((int) i));
      }
    }
    if (cps != null) {
      return b.toString();
    }
    return obj instanceof PyTuple ? new PyTuple(items) : items;
  }

  private static long bound(Object v, int n, long missing, long step) {
    if (v == null) {
      return missing;
    }
    long i = asLong(v);
    if (i < 0) {
      i += n;
    }
    if (step > 0) {
      return Math.max(0, Math.min(i, n));
    }
    return Math.max(-1, Math.min(i, n - 1));
  }

  /**
   * The items a for loop or a filter walks: a list's items, a string's characters, a dict's keys.
   */
  static List<Object> iterate(Object v) {
    return switch (v) {
      case null -> throw new TemplateException("'NoneType' object is not iterable");
      case List<?> l -> new ArrayList<>(l);
      case Map<?, ?> m -> new ArrayList<>(m.keySet());
      case String s -> {
        List<Object> out = new ArrayList<>();
        s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
        yield out;
      }
      case Undefined u -> List.of(); // jinja2 iterates an undefined as empty
      default -> throw new TemplateException("'" + typeName(v) + "' object is not iterable");
    };
  }

  static int length(Object v) {
    return switch (v) {
      case null -> throw new TemplateException("object of type 'NoneType' has no len()");
      case String s -> s.codePointCount(0, s.length());
      case List<?> l -> l.size();
      case Map<?, ?> m -> m.size();
      case Undefined u -> 0;
      default -> throw new TemplateException("object of type '" + typeName(v) + "' has no len()");
    };
  }
}
