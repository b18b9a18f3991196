package io.prorl.engine;

/** How far one gradient lies from another, as the memory and parity tests state it. */
public final class GradientCheck {
  private GradientCheck() {}

  /** ||got - want|| / ||want|| (infinite when want is all zeros and got is not). */
  public static double relativeError(float[] got, float[] want) {
    if (got.length != want.length) {
      throw new IllegalArgumentException(got.length + " values against " + want.length);
    }
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < want.length; i++) {
      double d = (double) got[i] - want[i];
      diff += d * d;
      norm += (double) want[i] * want[i];
    }
    return norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(diff / norm);
  }

  /** Whether the gradient has any non-zero entry. */
  public static boolean nonZero(float[] g) {
    for (float v : g) {
      if (v != 0) {
        return true;
      }
    }
    return false;
  }
}
