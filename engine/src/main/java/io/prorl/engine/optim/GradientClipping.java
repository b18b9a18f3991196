package io.prorl.engine.optim;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Global-norm gradient clipping (DJL's own clipping is element-wise only):
 *
 * <pre>
 *   norm = sqrt(sum over all gradients of g^2);  if norm > max: g = g * max / norm
 * </pre>
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** Scales the gradients in place; returns the norm before clipping. */
  public static double clipGlobalNorm(Collection<NDArray> gradients, double maxNorm) {
    double sumSquares = 0;
    for (NDArray g : gradients) {
      try (NDArray s = g.square().sum()) {
        sumSquares += s.getFloat();
      }
    }
    double norm = Math.sqrt(sumSquares);
    if (maxNorm > 0 && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : gradients) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
