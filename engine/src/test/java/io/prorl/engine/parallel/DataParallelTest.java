package io.prorl.engine.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.TestModels;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.optim.LanguageModelLoss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DataParallelTest {
  private static final int BATCH = 12;
  private static final int LENGTH = 9;

  @Test
  void twoLanesGiveTheGradientOfOneAndTheSameEveryTime() {
    try (Qwen2Model model = TestModels.tiny(21)) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      Map<String, float[]> one = gradients(model, 1);
      Map<String, float[]> two = gradients(model, 2);
      Map<String, float[]> twoAgain = gradients(model, 2);
      assertThat(two.keySet()).isEqualTo(one.keySet());
      double largest = 0;
      for (String name : one.keySet()) {
        float[] a = one.get(name);
        float[] b = two.get(name);
        for (int i = 0; i < a.length; i++) {
          assertThat(b[i]).as("%s[%d]", name, i).isCloseTo(a[i], offset(1e-5f));
          largest = Math.max(largest, Math.abs(a[i]));
        }
        // two lanes sum g_a + g_b, which commutes: bit for bit reproducible
        assertThat(twoAgain.get(name)).as(name).containsExactly(b);
      }
      assertThat(largest).as("the loss really has a gradient").isGreaterThan(1e-3);
    }
  }

  @Test
  void aFailingLaneFailsTheCallWithItsOwnError() {
    try (Qwen2Model model = TestModels.tiny(22)) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      NDArray any = model.parameters().values().iterator().next();
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
              DataParallel.backward(
                  model,
                  8,
                  2,
                  1,
                  (m, from, to) -> {
                    if (from > 0) {
                      throw new IllegalStateException("lane from " + from + " failed");
                    }
                    return new DataParallel.Part<>(any.sum(), 0);
                  }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("lane from 4 failed");
    }
  }

  /** d/dtheta of the summed next-token loss of a fixed random batch, normalised by the batch. */
  private static Map<String, float[]> gradients(Qwen2Model model, int lanes) {
    SplittableRandom rng = new SplittableRandom(5);
    int[][] tokens = new int[BATCH][LENGTH + 1];
    for (int[] row : tokens) {
      for (int j = 0; j < row.length; j++) {
        row[j] = rng.nextInt(60);
      }
    }
    Gradients.zero(model.parameters().values());
    List<Float> parts =
        DataParallel.backward(
            model,
            BATCH,
            lanes,
            1,
            (m, from, to) -> {
              int b = to - from;
              int[][] inputs = new int[b][LENGTH];
              boolean[][] valid = new boolean[b][LENGTH];
              long[] targets = new long[b * LENGTH];
              float[] weight = new float[b * LENGTH];
              for (int i = 0; i < b; i++) {
                for (int j = 0; j < LENGTH; j++) {
                  inputs[i][j] = tokens[from + i][j];
                  valid[i][j] = true;
                  targets[i * LENGTH + j] = tokens[from + i][j + 1];
                  weight[i * LENGTH + j] = 1f;
                }
              }
              NDArray logits =
                  model.forward(
                      AttentionInputs.ids(m, inputs, 0, LENGTH),
                      AttentionInputs.positions(m, valid, 0, LENGTH),
                      AttentionInputs.bias(m, valid, 0, LENGTH),
                      null);
              NDArray loss =
                  LanguageModelLoss.weightedSum(
                          logits,
                          JavaArrays.tensor(m, targets, new Shape(b, LENGTH, 1)),
                          JavaArrays.tensor(m, weight, new Shape(b, LENGTH)))
                      .div(BATCH * LENGTH);
              return new DataParallel.Part<>(loss, loss.getFloat());
            });
    assertThat(parts).hasSize(Math.min(lanes, BATCH));
    Map<String, float[]> out = new LinkedHashMap<>();
    model.parameters().forEach((name, p) -> out.put(name, p.getGradient().toFloatArray()));
    return out;
  }
}
