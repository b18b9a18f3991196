package io.prorl.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.prorl.engine.GradientCheck;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.optim.Gradients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Activation recompute gives the gradient autograd gives with every activation kept: the trunk's
 * hidden states and every parameter's gradient of a loss on them, with left padding, tied and
 * untied heads, the attention by query chunks that do and do not divide the sequence.
 */
class TrunkTest {
  private static final int BATCH = 3;
  private static final int T = 13;

  private static ModelConfig config(boolean tied) {
    return new ModelConfig(256, 32, 3, 4, 2, 48, 10000.0, 1e-6, tied, 128, -1, List.of(255));
  }

  @ParameterizedTest(name = "query chunk {0}")
  @ValueSource(ints = {1, 4, T, 1024})
  void recomputeGivesTheGradientOfTheKeptActivations(int queryChunk) {
    for (boolean tied : new boolean[] {true, false}) {
      try (Qwen2Model model = Qwen2Model.initialize(config(tied), 5, Device.cpu());
          NDManager m = model.manager().newSubManager()) {
        SplittableRandom rng = new SplittableRandom(3);
        int[][] tokens = new int[BATCH][T];
        boolean[][] valid = new boolean[BATCH][T];
        for (int b = 0; b < BATCH; b++) {
          for (int t = 2 * b; t < T; t++) { // left padding differs per row
            tokens[b][t] = rng.nextInt(255);
            valid[b][t] = true;
          }
        }
        float[] w = new float[BATCH * T * 32];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) rng.nextDouble(-1, 1);
        }
        model.parameters().values().forEach(p -> p.setRequiresGradient(true));
        JniUtils.setGradMode(true);
        try {
          float[][] kept = new float[1][];
          float[][] recomputed = new float[1][];
          Map<String, float[]> plain = gradients(model, m, tokens, valid, w, false, 1024, kept);
          Map<String, float[]> again =
              gradients(model, m, tokens, valid, w, true, queryChunk, recomputed);
          assertThat(recomputed[0])
              .containsExactly(kept[0], org.assertj.core.data.Offset.offset(1e-6f));
          for (String name : plain.keySet()) {
            if (name.equals("lm_head.weight")) { // an untied head is not in the trunk
              assertThat(again.get(name)).containsOnly(0f);
              continue;
            }
            assertThat(GradientCheck.nonZero(plain.get(name)))
                .as(name + " has a gradient")
                .isTrue();
            assertThat(GradientCheck.relativeError(again.get(name), plain.get(name)))
                .as("%s, tied %s", name, tied)
                .isLessThanOrEqualTo(1e-5);
          }
        } finally {
          JniUtils.setGradMode(false);
          model.parameters().values().forEach(p -> p.setRequiresGradient(false));
        }
      }
    }
  }

  /** The gradients of L = sum(w * h) over the final hidden states h of every slot. */
  private static Map<String, float[]> gradients(
      Qwen2Model model,
      NDManager m,
      int[][] tokens,
      boolean[][] valid,
      float[] w,
      boolean recompute,
      int queryChunk,
      float[][] hidden) {
    Gradients.zero(model.parameters().values());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Trunk trunk =
          model.trunk(
              AttentionInputs.ids(m, tokens, 0, T),
              AttentionInputs.positions(m, valid, 0, T),
              AttentionInputs.bias(m, valid, 0, T),
              recompute,
              queryChunk);
      hidden[0] = trunk.hidden().stopGradient().toFloatArray();
      trunk.backward(trunk.hidden().mul(JavaArrays.tensor(m, w, new Shape(BATCH, T, 32))).sum());
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    model.parameters().forEach((name, p) -> out.put(name, p.getGradient().toFloatArray()));
    return out;
  }
}
