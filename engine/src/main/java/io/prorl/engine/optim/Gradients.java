package io.prorl.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Collection;

/**
 * Gradient buffers of our own parameters. Backward accumulates into them, so they are zeroed before
 * every backward pass. DJL's {@code GradientCollector.zeroGradients()} is not used: it walks every
 * array of the engine's system manager, those of other models and of arrays already freed included,
 * and a NaN gradient survives its {@code g - g} zeroing; filling with 0 clears it.
 */
public final class Gradients {
  private static final NDIndex ALL = new NDIndex("...");

  private Gradients() {}

  public static void zero(Collection<NDArray> parameters) {
    for (NDArray p : parameters) {
      if (p.hasGradient()) {
        try (NDArray g = p.getGradient()) {
          g.set(ALL, 0f);
        }
      }
    }
  }
}
