package io.prorl.engine.rl;

import java.util.List;

/**
 * Helpers for the rule methods of config records. Each record has one static {@code violations}
 * method taking boxed values (null = not known yet, e.g. a Kestra expression before rendering): the
 * record's constructor and a Kestra task's static validation both call it, so each rule and its
 * message is written once.
 */
public final class Rules {
  private Rules() {}

  /** Throws one IllegalArgumentException listing every violation, if any. */
  public static void check(List<String> violations) {
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", violations));
    }
  }

  /** Adds "name must be >= min, got v" when v is known and below min (or NaN). */
  public static void atLeast(List<String> out, String name, Number v, double min) {
    if (v != null && !(v.doubleValue() >= min)) {
      out.add(name + " must be >= " + fmt(min) + ", got " + fmt(v.doubleValue()));
    }
  }

  /** Adds "name must lie in (lo, hi), got v" when v is known and outside the open interval. */
  public static void between(List<String> out, String name, Number v, double lo, double hi) {
    if (v != null && !(v.doubleValue() > lo && v.doubleValue() < hi)) {
      out.add(
          name + " must lie in (" + fmt(lo) + ", " + fmt(hi) + "), got " + fmt(v.doubleValue()));
    }
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
