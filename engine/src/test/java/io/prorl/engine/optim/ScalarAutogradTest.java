package io.prorl.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.prorl.engine.DirectMemoryChurn;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.JavaArrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The root cause of the rare NaN gradients: a Java-number operand ({@code x.div(3f)}) is wrapped by
 * DJL in a borrowed direct buffer that is closed after the op although autograd saved it. Our
 * scalar operands are owned by PyTorch, so the backward pass is exact however much garbage the JVM
 * collects and reuses between forward and backward.
 */
class ScalarAutogradTest {
  @Test
  void ownedScalarsSurviveGarbageCollectionBetweenForwardAndBackward() {
    DjlEngine.pytorch();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = JavaArrays.tensor(m, new float[] {1f, 2f, 3f, 4f});
      x.setRequiresGradient(true);
      for (int round = 0; round < 20; round++) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Gradients.zero(List.of(x));
          NDArray y = x.div(JavaArrays.scalar(m, 4.0)).pow(JavaArrays.scalar(m, 2.0)).sum();
          DirectMemoryChurn.churn();
          gc.backward(y);
        }
        // d/dx sum((x/4)^2) = x / 8
        assertThat(x.getGradient().toFloatArray()).containsExactly(0.125f, 0.25f, 0.375f, 0.5f);
      }
    }
  }
}
