package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.prorl.engine.DirectMemoryChurn;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.JavaArrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loss paths of {@link GrpoLoss} (TOKEN and SEQUENCE, KL on) under the hazard {@code
 * ScalarAutogradTest} shows for one op: between the forward and the backward, the JVM frees and
 * reuses direct buffers, as a busy Kestra worker does. A constant that DJL wrapped from a Java
 * number would then be read from reused memory by the backward pass; the gradient must be bitwise
 * the gradient of a quiet run, every round. (A demonstration: whether a GC lands in the window is
 * chance; {@code ScalarOperandRuleTest} is the guarantee.)
 */
class LossChurnTest {
  private static final int B = 6;
  private static final int T = 12;
  private static final int ROUNDS = 30;

  @ParameterizedTest
  @EnumSource(LossConfig.Aggregation.class)
  void gradientIsExactWhenDirectMemoryChurnsBeforeBackward(LossConfig.Aggregation aggregation) {
    DjlEngine.pytorch();
    LossConfig config = new LossConfig(0.2, 0.28, 0.05, 0.0, aggregation);
    try (NDManager m = NDManager.newBaseManager()) {
      Inputs in = Inputs.random(m, 7);
      float[] quiet = gradient(config, in, false);
      assertThat(quiet).as("quiet gradient").isNotEmpty();
      int wrong = 0;
      for (int round = 0; round < ROUNDS; round++) {
        if (!java.util.Arrays.equals(gradient(config, in, true), quiet)) {
          wrong++;
        }
      }
      assertThat(wrong).as("rounds of %d with a gradient unlike the quiet one", ROUNDS).isZero();
    }
  }

  private record Inputs(NDArray logp, NDArray old, NDArray ref, NDArray advantages, NDArray mask) {
    static Inputs random(NDManager m, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      float[] logp = new float[B * T];
      float[] old = new float[B * T];
      float[] ref = new float[B * T];
      float[] mask = new float[B * T];
      float[] adv = new float[B];
      for (int b = 0; b < B; b++) {
        adv[b] = (float) (rng.nextDouble() * 2 - 1);
        int len = 3 + rng.nextInt(T - 3);
        for (int t = 0; t < T; t++) {
          int i = b * T + t;
          logp[i] = (float) -rng.nextDouble(0.05, 3);
          old[i] = logp[i] + (float) rng.nextDouble(-0.6, 0.6);
          ref[i] = logp[i] + (float) rng.nextDouble(-0.3, 0.3);
          mask[i] = t < len ? 1f : 0f;
        }
      }
      Shape s = new Shape(B, T);
      return new Inputs(
          JavaArrays.tensor(m, logp, s),
          JavaArrays.tensor(m, old, s),
          JavaArrays.tensor(m, ref, s),
          JavaArrays.tensor(m, adv),
          JavaArrays.tensor(m, mask, s));
    }
  }

  private static float[] gradient(LossConfig config, Inputs in, boolean churn) {
    NDArray logp = in.logp().duplicate();
    logp.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray loss =
          new GrpoLoss(config)
              .compute(logp, in.old(), in.ref(), in.advantages(), in.mask(), null)
              .loss();
      if (churn) {
        DirectMemoryChurn.churn();
      }
      gc.backward(loss);
    }
    float[] g = logp.getGradient().toFloatArray();
    logp.close();
    return g;
  }
}
