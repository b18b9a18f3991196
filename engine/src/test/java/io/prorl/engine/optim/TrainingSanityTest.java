package io.prorl.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.prorl.engine.TestModels;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.Qwen2Model;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forward, backward, clipping and AdamW together really fit data, step after step. */
class TrainingSanityTest {

  @Test
  void memorisesFourSequencesAndKeepsNativeMemoryBounded() {
    int[][] tokens = {
      {1, 2, 3, 4, 5, 6, 7, 8, 9}, {9, 8, 7, 6, 5, 4, 3, 2, 1},
      {5, 5, 6, 6, 7, 7, 8, 8, 9}, {10, 20, 30, 40, 50, 60, 11, 21, 31}
    };
    int t = tokens[0].length - 1;
    boolean[][] valid = new boolean[4][t];
    for (boolean[] row : valid) {
      Arrays.fill(row, true);
    }
    long[] next = new long[4 * t];
    for (int b = 0; b < 4; b++) {
      for (int j = 0; j < t; j++) {
        next[b * t + j] = tokens[b][j + 1];
      }
    }
    try (Qwen2Model model = TestModels.tiny(12);
        NDManager m = model.manager().newSubManager();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0.0), m)) {
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      NDArray ids = AttentionInputs.ids(m, tokens, 0, t);
      NDArray positions = AttentionInputs.positions(m, valid, 0, t);
      NDArray bias = AttentionInputs.bias(m, valid, 0, t);
      NDArray targets = m.create(next, new Shape(4, t, 1));
      int managedAfterFirstStep = -1;
      float first = 0;
      float last = 0;
      for (int step = 0; step < 60; step++) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          float loss;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Gradients.zero(model.parameters().values());
            NDArray l =
                LanguageModelLoss.crossEntropy(
                    model.forward(ids, positions, bias, null), targets, null);
            gc.backward(l);
            loss = l.getFloat();
          }
          Map<String, NDArray> grads = new HashMap<>();
          model.parameters().forEach((name, p) -> grads.put(name, p.getGradient()));
          GradientClipping.clipGlobalNorm(grads.values(), 1.0);
          adam.update(model.parameters(), grads, 1e-2);
          first = step == 0 ? loss : first;
          last = loss;
        }
        if (step == 0) {
          // the optimizer's moments and the inputs exist from here on; nothing may accumulate
          managedAfterFirstStep = model.manager().getManagedArrays().size();
        }
      }
      assertThat(first).as("initial loss near ln(64)").isBetween(3.5f, 4.7f);
      assertThat(last).as("loss after 60 steps").isLessThan(0.5f);
      assertThat(model.manager().getManagedArrays().size()).isEqualTo(managedAfterFirstStep);
    }
  }
}
