package io.kestra.plugin.prorl;

/** Output numbers: NaN and infinities become absent values, which JSON can carry. */
final class Numbers {
  private Numbers() {}

  static Double orNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
