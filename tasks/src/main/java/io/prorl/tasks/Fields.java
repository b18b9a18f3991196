package io.prorl.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from the JSON-shaped maps of a problem record, with errors that name the field path
 * (e.g. {@code verifier.edges[3][1]}).
 */
public final class Fields {
  private Fields() {}

  public static Object require(Map<String, ?> map, String key, String path) {
    Object value = map.get(key);
    if (value == null) {
      throw new InvalidProblemException(path + "." + key + ": missing");
    }
    return value;
  }

  public static long longValue(Object value, String path) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new InvalidProblemException(path + ": expected an integer, found " + describe(value));
  }

  public static int intValue(Object value, String path) {
    long v = longValue(value, path);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InvalidProblemException(path + ": integer out of range: " + v);
    }
    return (int) v;
  }

  public static double doubleValue(Object value, String path) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw new InvalidProblemException(path + ": expected a number, found " + describe(value));
  }

  public static String string(Object value, String path) {
    if (value instanceof String s) {
      return s;
    }
    throw new InvalidProblemException(path + ": expected a string, found " + describe(value));
  }

  public static boolean bool(Object value, String path) {
    if (value instanceof Boolean b) {
      return b;
    }
    throw new InvalidProblemException(path + ": expected true or false, found " + describe(value));
  }

  public static List<?> list(Object value, String path) {
    if (value instanceof List<?> l) {
      return l;
    }
    throw new InvalidProblemException(path + ": expected an array, found " + describe(value));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object value, String path) {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new InvalidProblemException(path + ": expected an object, found " + describe(value));
  }

  public static int requireInt(Map<String, ?> map, String key, String path) {
    return intValue(require(map, key, path), path + "." + key);
  }

  public static String requireString(Map<String, ?> map, String key, String path) {
    return string(require(map, key, path), path + "." + key);
  }

  public static List<?> requireList(Map<String, ?> map, String key, String path) {
    return list(require(map, key, path), path + "." + key);
  }

  public static List<Integer> intList(Object value, String path) {
    List<?> raw = list(value, path);
    List<Integer> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      out.add(intValue(raw.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  public static List<String> stringList(Object value, String path) {
    List<?> raw = list(value, path);
    List<String> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      out.add(string(raw.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    String text = String.valueOf(value);
    if (text.length() > 40) {
      text = text.substring(0, 40) + "...";
    }
    return value.getClass().getSimpleName() + " " + text;
  }
}
