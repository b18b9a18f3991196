package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDScope;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.GradientCheck;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.scoring.SequenceScorer;
import io.prorl.engine.scoring.TrainingMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every memory path gives the naive path's loss and gradient on the tiny policy: the LM head by
 * chunks with a two-stage backward, micro-batches whose gradients accumulate, activation recompute,
 * and all three together; for the RL loss (TOKEN and SEQUENCE, KL and entropy bonus on, clipping
 * active, a masked-out response) and the warm start's cross-entropy. Equal means the loss within
 * 1e-5 relative and each parameter's gradient within ||dg|| <= 1e-5 ||g||.
 */
class TrainingMemoryTest {
  private static final double TOLERANCE = 1e-5;

  /** Cut finer than the batch below, so that every path really runs here. */
  private static final Map<String, TrainingMemory> ARMS =
      Map.of(
          "chunked head", new TrainingMemory(5, 0, false),
          "micro-batches", new TrainingMemory(0, 60, false),
          "recompute", new TrainingMemory(0, 0, true),
          "all three", new TrainingMemory(5, 60, true),
          "defaults", TrainingMemory.DEFAULTS);

  private static Qwen2Model policy;

  @BeforeAll
  static void load() {
    DjlEngine.pytorch();
    ModelConfig config =
        new ModelConfig(256, 32, 2, 4, 2, 48, 10000.0, 1e-6, false, 128, -1, List.of(255));
    policy = Qwen2Model.initialize(config, 11, Device.cpu());
    policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
  }

  @AfterAll
  static void close() {
    policy.close();
  }

  @ParameterizedTest
  @EnumSource(LossConfig.Aggregation.class)
  void theRlLossAndGradientAreTheNaivePathsOnEveryPath(LossConfig.Aggregation aggregation) {
    List<PolicySample> batch = samples();
    LossConfig loss = new LossConfig(0.2, 0.28, 0.1, 0.01, aggregation, 3.0);
    for (int lanes : new int[] {1, 2}) {
      Result naive = rl(batch, loss, lanes, TrainingMemory.NAIVE);
      assertThat(naive.clipped()).as("clipping is active").isPositive();
      for (Map.Entry<String, TrainingMemory> arm : ARMS.entrySet()) {
        Result got = rl(batch, loss, lanes, arm.getValue());
        assertEqual(arm.getKey() + ", " + lanes + " lane(s)", got, naive);
      }
    }
  }

  @Test
  void theWarmStartLossAndGradientAreTheNaivePathsOnEveryPath() {
    SplittableRandom rng = new SplittableRandom(4);
    List<WarmStart.Example> examples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int[] tokens = rng.ints(5 + rng.nextInt(12), 0, 255).toArray();
      float[] weights = new float[tokens.length - 1];
      for (int j = 2; j < weights.length; j++) { // the first predictions are the prompt's
        weights[j] = j == weights.length - 1 ? 4f : 1f;
      }
      examples.add(new WarmStart.Example(tokens, weights));
    }
    for (int lanes : new int[] {1, 2}) {
      Result naive = sft(examples, lanes, TrainingMemory.NAIVE);
      for (Map.Entry<String, TrainingMemory> arm : ARMS.entrySet()) {
        assertEqual(
            "warm start, " + arm.getKey() + ", " + lanes + " lane(s)",
            sft(examples, lanes, arm.getValue()),
            naive);
      }
    }
  }

  @Test
  void microBatchesKeepEachWithinTheBudgetOfItsPaddedTokens() {
    TrainingMemory memory = new TrainingMemory(0, 40, false);
    // padded cost of items i..j: (j - i + 1) * (max prompt + max response)
    List<int[]> cut =
        memory.microBatches(new int[] {4, 6, 3, 10, 2, 2}, new int[] {8, 10, 2, 40, 3, 3});
    // 2 x 16 fits; 3 x 16 does not; 2 x 50 does not; 50 alone exceeds the budget and runs alone
    assertThat(cut.stream().map(java.util.Arrays::toString))
        .containsExactly("[0, 2]", "[2, 3]", "[3, 4]", "[4, 6]");
    assertThat(
            TrainingMemory.NAIVE.microBatches(new int[] {4, 6}, new int[] {500, 900}).stream()
                .map(java.util.Arrays::toString))
        .containsExactly("[0, 2]");
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertThatThrownBy(() -> new TrainingMemory(-1, 0, false)).hasMessageContaining("logitChunk");
    assertThatThrownBy(() -> new TrainingMemory(0, -5, false))
        .hasMessageContaining("microBatchTokens");
  }

  private record Result(float loss, Map<String, float[]> gradients, double clipped) {}

  private static Result rl(
      List<PolicySample> batch, LossConfig loss, int lanes, TrainingMemory memory) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      PolicyGradient.Stats s = new PolicyGradient(policy, loss, 0.9, lanes, memory).backward(batch);
      return new Result(s.loss(), gradients(), s.clipLowSum() + s.clipHighSum());
    }
  }

  private static Result sft(List<WarmStart.Example> examples, int lanes, TrainingMemory memory) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float loss = WarmStart.backward(policy, examples, lanes, memory);
      return new Result(loss, gradients(), 0);
    }
  }

  private static Map<String, float[]> gradients() {
    Map<String, float[]> out = new LinkedHashMap<>();
    policy.parameters().forEach((name, p) -> out.put(name, p.getGradient().toFloatArray()));
    return out;
  }

  private static void assertEqual(String what, Result got, Result want) {
    assertThat((double) Math.abs(got.loss() - want.loss()))
        .as("%s: loss %s against %s", what, got.loss(), want.loss())
        .isLessThanOrEqualTo(TOLERANCE * Math.abs(want.loss()));
    for (String name : want.gradients().keySet()) {
      float[] w = want.gradients().get(name);
      assertThat(GradientCheck.nonZero(w)).as("%s: %s has a gradient", what, name).isTrue();
      assertThat(GradientCheck.relativeError(got.gradients().get(name), w))
          .as("%s: %s", what, name)
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  /**
   * Eight responses to four prompts of different lengths, old log-probs the policy's own shifted so
   * that both clip ranges bind, a reference near the policy, advantages of both signs, one response
   * masked out.
   */
  private static List<PolicySample> samples() {
    SplittableRandom rng = new SplittableRandom(8);
    List<int[]> prompts = new ArrayList<>();
    List<int[]> responses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      prompts.add(rng.ints(3 + (i / 2) * 2, 0, 255).toArray());
      responses.add(rng.ints(1 + rng.nextInt(14), 0, 255).toArray());
    }
    float[][] own;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      own = new SequenceScorer(policy, 1).logprobs(prompts, responses, 0.9);
    }
    List<PolicySample> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      float[] old = new float[own[i].length];
      float[] ref = new float[own[i].length];
      for (int t = 0; t < old.length; t++) {
        old[t] = own[i][t] + (float) rng.nextDouble(-0.6, 0.6);
        ref[t] = own[i][t] + (float) rng.nextDouble(-0.2, 0.2);
      }
      double advantage = i % 2 == 0 ? 1.0 : -0.8;
      out.add(new PolicySample(prompts.get(i), responses.get(i), old, ref, advantage, i != 5));
    }
    return out;
  }
}
