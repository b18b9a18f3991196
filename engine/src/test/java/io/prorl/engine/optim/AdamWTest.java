package io.prorl.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.DjlEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void twoStepsMatchTheHandComputedUpdate() {
    DjlEngine.pytorch();
    try (NDManager m = NDManager.newBaseManager();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0.1), m)) {
      NDArray p = m.create(new float[] {1f, -2f});
      Map<String, NDArray> params = Map.of("w", p);
      NDArray g = m.create(new float[] {0.5f, 0.25f});
      adam.update(params, Map.of("w", g), 0.01);
      // step 1: p *= (1 - lr*wd); m = 0.1 g; v = 0.001 g^2; mhat = g; vhat = g^2; p -= lr * sign(g)
      double p0 = 1 * (1 - 0.001) - 0.01 * (0.5 / (0.5 + 1e-8));
      double p1 = -2 * (1 - 0.001) - 0.01 * (0.25 / (0.25 + 1e-8));
      assertThat(p.toFloatArray()[0]).isCloseTo((float) p0, offset(1e-6f));
      assertThat(p.toFloatArray()[1]).isCloseTo((float) p1, offset(1e-6f));

      NDArray g2 = m.create(new float[] {-0.5f, 0.25f});
      adam.update(params, Map.of("w", g2), 0.01);
      double m1 = 0.9 * 0.05 + 0.1 * -0.5;
      double v1 = 0.999 * 0.00025 + 0.001 * 0.25;
      double mhat = m1 / (1 - 0.81);
      double vhat = v1 / (1 - 0.999 * 0.999);
      double expected = p0 * (1 - 0.001) - 0.01 * mhat / (Math.sqrt(vhat) + 1e-8);
      assertThat(p.toFloatArray()[0]).isCloseTo((float) expected, offset(1e-6f));
      assertThat(adam.step()).isEqualTo(2);
      assertThat(adam.state()).containsKeys("w.exp_avg", "w.exp_avg_sq");
      assertThat(adam.state().get("w.exp_avg").data()[0]).isCloseTo((float) m1, offset(1e-7f));
    }
  }

  @Test
  void aParameterUpdatedByBlocksOfRowsEqualsOneUpdatedWhole() {
    DjlEngine.pytorch();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(2);
    float[] start = new float[7 * 3];
    float[][] grads = new float[3][start.length];
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) rng.nextDouble(-1, 1);
      for (float[] g : grads) {
        g[i] = (float) rng.nextDouble(-1, 1);
      }
    }
    float[][] after = new float[2][];
    long[] blocks = {Long.MAX_VALUE, 6}; // whole; blocks of 2 rows (the last one 1 row)
    for (int run = 0; run < 2; run++) {
      try (NDManager m = NDManager.newBaseManager();
          AdamW adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0.1), m, blocks[run])) {
        NDArray p = m.create(start, new ai.djl.ndarray.types.Shape(7, 3));
        NDArray bias = m.create(new float[] {0.5f, -0.5f});
        for (float[] g : grads) {
          adam.update(
              Map.of("w", p, "b", bias),
              Map.of(
                  "w",
                  m.create(g, new ai.djl.ndarray.types.Shape(7, 3)),
                  "b",
                  m.create(new float[] {g[0], g[1]})),
              0.01);
        }
        after[run] = p.toFloatArray();
        assertThat(adam.state().get("w.exp_avg_sq").data()).doesNotContain(0f);
      }
    }
    assertThat(after[1]).containsExactly(after[0]);
    assertThat(after[1]).isNotEqualTo(start);
  }

  @Test
  void globalNormClippingScalesAllGradientsTogether() {
    DjlEngine.pytorch();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {3f, 0f});
      NDArray b = m.create(new float[] {4f});
      double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 1.0);
      assertThat(norm).isCloseTo(5.0, offset(1e-6));
      assertThat(a.toFloatArray()[0]).isCloseTo(0.6f, offset(1e-5f));
      assertThat(b.toFloatArray()[0]).isCloseTo(0.8f, offset(1e-5f));
      assertThat(GradientClipping.clipGlobalNorm(List.of(a, b), 10.0)).isCloseTo(1.0, offset(1e-5));
      assertThat(b.toFloatArray()[0]).isCloseTo(0.8f, offset(1e-5f));
    }
  }
}
