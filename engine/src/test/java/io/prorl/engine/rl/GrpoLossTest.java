package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.prorl.engine.DjlEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loss against values worked out by hand (eps_low 0.2, eps_high 0.4: ratio in [0.8, 1.4]). */
class GrpoLossTest {
  // ratios 1.5, 0.5, 1.0 in both sequences; sequence 0 has A = +1, sequence 1 has A = -1
  private static final float[] RATIOS = {1.5f, 0.5f, 1.0f, 1.5f, 0.5f, 1.0f};
  private static final float[] MASK = {1, 1, 1, 1, 1, 0};

  @BeforeAll
  static void engine() {
    DjlEngine.pytorch();
  }

  private static LossConfig config(LossConfig.Aggregation aggregation, double kl) {
    return new LossConfig(0.2, 0.4, kl, 0.0, aggregation);
  }

  @Test
  void tokenLevelClippedSurrogateAndItsGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray old = m.create(new float[] {-1f, -2f, -0.5f, -1f, -2f, -0.5f}, new Shape(2, 3));
      NDArray logp = old.add(logRatios(m));
      logp.setRequiresGradient(true);
      GrpoLoss.Result r;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        r =
            new GrpoLoss(config(LossConfig.Aggregation.TOKEN, 0))
                .compute(logp, old, null, m.create(new float[] {1f, -1f}), mask(m), null);
        gc.backward(r.loss());
      }
      // -min(r A, clip(r) A): seq 0 -> -1.4, -0.5, -1.0; seq 1 -> 1.5, 0.8, (masked)
      assertThat(r.loss().getFloat()).isCloseTo(-0.6f / 5, offset(1e-6f));
      assertThat(r.clipFractionHigh()).isCloseTo(0.2, offset(1e-6));
      assertThat(r.clipFractionLow()).isCloseTo(0.2, offset(1e-6));
      assertThat(r.ratioMean()).isCloseTo((1.5 + 0.5 + 1 + 1.5 + 0.5) / 5, offset(1e-6));
      // d/dlogp of -r A / 5 where the unclipped branch is taken; 0 where the clip binds or masked
      assertThat(logp.getGradient().toFloatArray())
          .containsExactly(new float[] {0f, -0.1f, -0.2f, 0.3f, 0f, 0f}, offset(1e-6f));
    }
  }

  @Test
  void sharesNormalisedByTheWholeBatchSumToItsLoss() {
    // data-parallel lanes: sequence 0 in one lane, sequence 1 in the other
    for (LossConfig.Aggregation agg : LossConfig.Aggregation.values()) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray old = m.create(new float[] {-1f, -2f, -0.5f, -1f, -2f, -0.5f}, new Shape(2, 3));
        NDArray logp = old.add(logRatios(m));
        NDArray ref = old.sub(0.3f);
        NDArray a = m.create(new float[] {1f, -1f});
        GrpoLoss loss = new GrpoLoss(config(agg, 0.1));
        float whole = loss.compute(logp, old, ref, a, mask(m), null).loss().getFloat();
        GrpoLoss.Normaliser n = new GrpoLoss.Normaliser(5, 2);
        float sum = 0;
        for (int row = 0; row < 2; row++) {
          String rows = row + ":" + (row + 1);
          sum +=
              loss.compute(
                      logp.get(rows),
                      old.get(rows),
                      ref.get(rows),
                      a.get(rows),
                      mask(m).get(rows),
                      null,
                      n)
                  .loss()
                  .getFloat();
        }
        assertThat(sum).as(agg.name()).isCloseTo(whole, offset(1e-6f));
      }
    }
  }

  @Test
  void sequenceLevelAveragesEachResponseFirst() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray old = m.zeros(new Shape(2, 3));
      GrpoLoss.Result r =
          new GrpoLoss(config(LossConfig.Aggregation.SEQUENCE, 0))
              .compute(
                  old.add(logRatios(m)), old, null, m.create(new float[] {1f, -1f}), mask(m), null);
      assertThat(r.loss().getFloat()).isCloseTo((-2.9f / 3 + 2.3f / 2) / 2, offset(1e-6f));
    }
  }

  @Test
  void klIsTheK3EstimatorWeightedByBeta() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logp = m.create(new float[] {-1f, -2f, -3f, -1f, -2f, -3f}, new Shape(2, 3));
      NDArray ref =
          logp.add(m.create(new float[] {0.1f, -0.2f, 0.3f, 0f, 0.5f, 9f}, new Shape(2, 3)));
      GrpoLoss.Result r =
          new GrpoLoss(config(LossConfig.Aggregation.TOKEN, 0.5))
              .compute(logp, logp, ref, m.create(new float[] {0f, 0f}), mask(m), null);
      double k3 = 0;
      for (double d : new double[] {0.1, -0.2, 0.3, 0.0, 0.5}) {
        k3 += Math.exp(d) - d - 1; // the masked 9 never counts
      }
      assertThat(r.kl()).isCloseTo(k3 / 5, offset(1e-6));
      assertThat(r.loss().getFloat()).isCloseTo((float) (0.5 * k3 / 5), offset(1e-6f));
    }
  }

  @Test
  void entropyBonusLowersTheLoss() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logp = m.zeros(new Shape(2, 3));
      NDArray entropy = m.ones(new Shape(2, 3)).mul(2f);
      GrpoLoss.Result r =
          new GrpoLoss(new LossConfig(0.2, 0.4, 0, 0.01, LossConfig.Aggregation.TOKEN))
              .compute(logp, logp, null, m.create(new float[] {0f, 0f}), mask(m), entropy);
      assertThat(r.loss().getFloat()).isCloseTo(-0.02f, offset(1e-7f));
    }
  }

  @Test
  void invalidSettingsNameTheField() {
    assertThatThrownBy(() -> new LossConfig(0.3, 0.2, 0, 0, LossConfig.Aggregation.TOKEN))
        .hasMessage("epsHigh (0.2) must be >= epsLow (0.3): clip-higher");
    assertThatThrownBy(() -> new LossConfig(0.2, 0.4, -1, 0, LossConfig.Aggregation.TOKEN))
        .hasMessage("klCoef must be >= 0, got -1");
  }

  @Test
  void groupAdvantagesAreNormalisedWithinTheGroup() {
    double[] a = GroupAdvantages.of(new double[] {1, 0, 0, 1}, true);
    double std = Math.sqrt(1.0 / 3); // sample std of {1, 0, 0, 1}
    assertThat(a[0]).isCloseTo(0.5 / (std + 1e-6), offset(1e-9));
    assertThat(a[1]).isCloseTo(-0.5 / (std + 1e-6), offset(1e-9));
    assertThat(GroupAdvantages.of(new double[] {1, 0, 0, 1}, false))
        .containsExactly(0.5, -0.5, -0.5, 0.5);
    assertThat(GroupAdvantages.of(new double[] {1, 1, 1}, true)).containsExactly(0.0, 0.0, 0.0);
    assertThat(GroupAdvantages.isMixed(new double[] {1, 1, 1})).isFalse();
    assertThat(GroupAdvantages.isMixed(new double[] {0.5, 0.5, 0.25})).isTrue();
  }

  private static NDArray logRatios(NDManager m) {
    float[] l = new float[RATIOS.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (float) Math.log(RATIOS[i]);
    }
    return m.create(l, new Shape(2, 3));
  }

  private static NDArray mask(NDManager m) {
    return m.create(MASK, new Shape(2, 3));
  }
}
