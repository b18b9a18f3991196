package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The methods of Python's {@code str} and {@code dict} that chat templates call ({@code
 * startswith}, {@code split}, {@code strip}, {@code get}, {@code items}, ...), with Python's
 * semantics. Any other method is absent (undefined), as in jinja2's immutable sandbox for the
 * mutating ones.
 */
final class Methods {
  private Methods() {}

  /** The bound method {@code obj.name}, or null when {@code obj} has none of that name. */
  static PyFunction bind(Object obj, String name) {
    if (obj instanceof String s) {
      return stringMethod(s, name);
    }
    if (obj instanceof Map<?, ?> m) {
      return switch (name) {
        case "get" -> (a, k) -> m.containsKey(arg(a, 0)) ? m.get(arg(a, 0)) : arg(a, 1);
        case "items" ->
            (a, k) -> {
              List<Object> out = new ArrayList<>();
              m.forEach((key, v) -> out.add(new PyTuple(java.util.Arrays.asList(key, v))));
              return out;
            };
        case "keys" -> (a, k) -> new ArrayList<Object>(m.keySet());
        case "values" -> (a, k) -> new ArrayList<Object>(m.values());
        default -> null;
      };
    }
    return null;
  }

  private static Object arg(List<Object> args, int i) {
    return i < args.size() ? args.get(i) : null;
  }

  private static String chars(List<Object> args, String name) {
    Object c = arg(args, 0);
    if (c != null && !(c instanceof String)) {
      throw new TemplateException(name + " arg must be None or str");
    }
    return (String) c;
  }

  private static PyFunction stringMethod(String s, String name) {
    return switch (name) {
      case "startswith" -> (a, k) -> affix(s, arg(a, 0), true);
      case "endswith" -> (a, k) -> affix(s, arg(a, 0), false);
      case "strip" -> (a, k) -> strip(s, chars(a, name), true, true);
      case "lstrip" -> (a, k) -> strip(s, chars(a, name), true, false);
      case "rstrip" -> (a, k) -> strip(s, chars(a, name), false, true);
      case "split" -> (a, k) -> split(s, chars(a, name), maxsplit(a, k));
      case "rsplit" -> (a, k) -> rsplit(s, chars(a, name), maxsplit(a, k));
      case "lower" -> (a, k) -> s.toLowerCase(java.util.Locale.ROOT);
      case "upper" -> (a, k) -> s.toUpperCase(java.util.Locale.ROOT);
      case "title" -> (a, k) -> Filters.title(s);
      case "capitalize" -> (a, k) -> Filters.capitalize(s);
      case "replace" ->
          (a, k) -> {
            String old = (String) arg(a, 0);
            String neu = (String) arg(a, 1);
            long count = a.size() > 2 ? Py.asLong(a.get(2)) : -1;
            return replace(s, old, neu, count);
          };
      case "find" -> (a, k) -> (long) s.indexOf((String) arg(a, 0));
      case "count" -> (a, k) -> count(s, (String) arg(a, 0));
      case "join" ->
          (a, k) -> {
            List<String> parts = new ArrayList<>();
            for (Object o : Py.iterate(arg(a, 0))) {
              if (!(o instanceof String part)) {
                throw new TemplateException(
                    "sequence item: expected str instance, " + Py.typeName(o) + " found");
              }
              parts.add(part);
            }
            return String.join(s, parts);
          };
      default -> null;
    };
  }

  private static long maxsplit(List<Object> a, Map<String, Object> k) {
    Object m = a.size() > 1 ? a.get(1) : k.get("maxsplit");
    return m == null ? -1 : Py.asLong(m);
  }

  private static boolean affix(String s, Object affix, boolean prefix) {
    if (affix instanceof List<?> options) {
      return options.stream().anyMatch(o -> affix(s, o, prefix));
    }
    if (!(affix instanceof String a)) {
      throw new TemplateException(
          (prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str");
    }
    return prefix ? s.startsWith(a) : s.endsWith(a);
  }

  /** Python's strip: without chars, whitespace; else any of the chars. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int from = 0;
    int to = s.length();
    while (left && from < to && stripped(s.charAt(from), chars)) {
      from++;
    }
    while (right && to > from && stripped(s.charAt(to - 1), chars)) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean stripped(char c, String chars) {
    return chars == null
        ? Character.isWhitespace(c) || Character.isSpaceChar(c)
        : chars.indexOf(c) >= 0;
  }

  static List<Object> split(String s, String sep, long maxsplit) {
    List<Object> out = new ArrayList<>();
    if (sep == null) {
      String rest = strip(s, null, true, false);
      while (!rest.isEmpty()) {
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(strip(rest, null, false, true));
          return out;
        }
        int i = 0;
        while (i < rest.length() && !stripped(rest.charAt(i), null)) {
          i++;
        }
        out.add(rest.substring(0, i));
        rest = strip(rest.substring(i), null, true, false);
      }
      return out;
    }
    if (sep.isEmpty()) {
      throw new TemplateException("empty separator");
    }
    int from = 0;
    while (maxsplit < 0 || out.size() < maxsplit) {
      int i = s.indexOf(sep, from);
      if (i < 0) {
        break;
      }
      out.add(s.substring(from, i));
      from = i + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  static List<Object> rsplit(String s, String sep, long maxsplit) {
    if (maxsplit < 0 || sep == null) {
      if (sep == null && maxsplit >= 0) {
        throw new TemplateException("rsplit without a separator and with maxsplit is unsupported");
      }
      return split(s, sep, -1);
    }
    List<Object> out = new ArrayList<>();
    int to = s.length();
    while (out.size() < maxsplit) {
      int i = s.lastIndexOf(sep, to - sep.length());
      if (i < 0) {
        break;
      }
      out.add(0, s.substring(i + sep.length(), to));
      to = i;
    }
    out.add(0, s.substring(0, to));
    return out;
  }

  private static String replace(String s, String old, String neu, long count) {
    if (count < 0) {
      return s.replace(old, neu);
    }
    StringBuilder b = new StringBuilder();
    int from = 0;
    for (long n = 0; n < count; n++) {
      int i = s.indexOf(old, from);
      if (i < 0) {
        break;
      }
      b.append(s, from, i).append(neu);
      from = i + old.length();
    }
    return b.append(s.substring(from)).toString();
  }

  private static long count(String s, String sub) {
    if (sub.isEmpty()) {
      return s.codePointCount(0, s.length()) + 1L;
    }
    long n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      n++;
    }
    return n;
  }
}
