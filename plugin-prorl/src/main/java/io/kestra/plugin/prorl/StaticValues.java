package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.prorl.tasks.Json;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/** Literal values of properties, for checks before rendering; expressions are skipped. */
final class StaticValues {
  private StaticValues() {}

  /** The literal text of a property, or empty for null and for expressions. */
  static Optional<String> text(Property<?> p) {
    if (p == null) {
      return Optional.empty();
    }
    String s = p.toString();
    return s == null || s.contains("{{") || s.contains("{%") ? Optional.empty() : Optional.of(s);
  }

  static Optional<Double> number(Property<?> p) {
    try {
      return text(p).map(Double::parseDouble);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The literal integer value, or null (unset, an expression, or not an integer). */
  static Integer integer(Property<?> p) {
    return number(p)
        .filter(v -> v == Math.rint(v) && Math.abs(v) < Integer.MAX_VALUE)
        .map(Double::intValue)
        .orElse(null);
  }

  /** The literal number, or null (unset, an expression, or not a number). */
  static Double decimal(Property<?> p) {
    return number(p).orElse(null);
  }

  /**
   * A literal list of whole numbers such as {@code [1, 4, 8]}; empty for expressions and others.
   */
  static Optional<List<Integer>> integers(Property<?> p) {
    try {
      return text(p).map(t -> List.of(Json.MAPPER.readValue(t, Integer[].class)));
    } catch (JacksonException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /** Adds "name must be ..." when the literal value breaks {@code min <= value}. */
  static void atLeast(List<String> out, String name, Property<?> p, double min) {
    number(p)
        .filter(v -> !(v >= min))
        .ifPresent(v -> out.add(name + " must be >= " + fmt(min) + ", got " + fmt(v)));
  }

  /** Adds a violation when the literal value lies outside the open interval (lo, hi). */
  static void between(List<String> out, String name, Property<?> p, double lo, double hi) {
    number(p)
        .filter(v -> !(v > lo && v < hi))
        .ifPresent(
            v -> out.add(name + " must lie in (" + fmt(lo) + ", " + fmt(hi) + "), got " + fmt(v)));
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
