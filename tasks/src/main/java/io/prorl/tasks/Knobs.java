package io.prorl.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Difficulty knobs of one family: the defaults merged with user overrides. Unknown knobs and values
 * out of their range are errors naming the knob.
 */
public final class Knobs {
  private final String family;
  private final Map<String, Object> values;

  private Knobs(String family, Map<String, Object> values) {
    this.family = family;
    this.values = values;
  }

  /** Merges {@code overrides} over {@code defaults}; every override must name a known knob. */
  public static Knobs of(String family, Map<String, Object> defaults, Map<String, ?> overrides) {
    Map<String, Object> merged = new LinkedHashMap<>(defaults);
    if (overrides != null) {
      for (Map.Entry<String, ?> e : overrides.entrySet()) {
        if (!defaults.containsKey(e.getKey())) {
          throw new InvalidProblemException(
              family
                  + " difficulty: unknown knob '"
                  + e.getKey()
                  + "'; known knobs: "
                  + String.join(", ", defaults.keySet()));
        }
        merged.put(e.getKey(), e.getValue());
      }
    }
    return new Knobs(family, merged);
  }

  /**
   * Parses knob overrides written {@code k=v,k=v} (command lines): integers, reals and booleans
   * become numbers and booleans, anything else stays text (worked=columns, scoring=reasoning_gym,
   * operations=+), which the family's knobs check against the values they allow. Null or blank: no
   * overrides.
   */
  public static Map<String, Object> parse(String spec) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return overrides;
    }
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("difficulty: expected knob=value, got '" + pair + "'");
      }
      overrides.put(pair.substring(0, eq).strip(), value(pair.substring(eq + 1).strip()));
    }
    return overrides;
  }

  private static Object value(String v) {
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    if (v.matches("-?\\d+")) {
      return Integer.parseInt(v);
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException notANumber) {
      return v;
    }
  }

  /** An integer knob within [min, max]. */
  public int intIn(String knob, int min, int max) {
    int v = Fields.intValue(values.get(knob), family + " difficulty." + knob);
    if (v < min || v > max) {
      throw new InvalidProblemException(
          family + " difficulty." + knob + ": must lie in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** A real knob within [min, max]. */
  public double doubleIn(String knob, double min, double max) {
    double v = Fields.doubleValue(values.get(knob), family + " difficulty." + knob);
    if (!(v >= min && v <= max)) {
      throw new InvalidProblemException(
          family + " difficulty." + knob + ": must lie in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** A text knob, one of {@code allowed}. */
  public String text(String knob, java.util.List<String> allowed) {
    String v = Fields.string(values.get(knob), family + " difficulty." + knob);
    if (!allowed.contains(v)) {
      throw new InvalidProblemException(
          family
              + " difficulty."
              + knob
              + ": must be one of "
              + String.join(", ", allowed)
              + ", got "
              + v);
    }
    return v;
  }

  public boolean bool(String knob) {
    return Fields.bool(values.get(knob), family + " difficulty." + knob);
  }

  /** The resolved knobs, as recorded in the problem's {@code difficulty} field. */
  public Map<String, Object> asMap() {
    return new LinkedHashMap<>(values);
  }
}
