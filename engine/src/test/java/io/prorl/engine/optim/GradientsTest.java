package io.prorl.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.DjlEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientsTest {

  private static void backward(NDArray w) {
    try (var gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(w).sum()); // d/dw sum(w^2) = 2w
    }
  }

  @Test
  void backwardAccumulatesAndZeroingResetsEvenNaN() {
    DjlEngine.pytorch();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1f, -2f});
      w.setRequiresGradient(true);
      backward(w);
      backward(w);
      assertThat(w.getGradient().toFloatArray()).containsExactly(4f, -8f);
      Gradients.zero(List.of(w));
      backward(w);
      assertThat(w.getGradient().toFloatArray()).containsExactly(2f, -4f);
      w.getGradient().set(new float[] {Float.NaN, Float.POSITIVE_INFINITY});
      Gradients.zero(List.of(w));
      assertThat(w.getGradient().toFloatArray()).containsExactly(0f, 0f);
    }
  }
}
