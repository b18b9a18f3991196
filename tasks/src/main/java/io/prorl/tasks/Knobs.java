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
