package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhaseTrainerTest {
  private static final double LR = 1e-3;
  @TempDir static Path dir;
  private static Tokenizer tokenizer;
  private static final TaskFamily DIGITS = new DigitFamily();
  private static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 0);

  @BeforeAll
  static void tokenizer() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    EmbeddedDefault.writeTokenizer(file);
    tokenizer = Tokenizer.load(file);
  }

  private static TrainerConfig config(int updates) {
    return new TrainerConfig(
        2,
        4,
        updates,
        LR,
        0,
        0.0,
        new LossConfig(0.2, 0.28, 0.05, 0, LossConfig.Aggregation.TOKEN),
        SAMPLING,
        true,
        false,
        4,
        0.0,
        GroupFilter.REWARD_VARIANCE,
        true,
        io.prorl.engine.scoring.TrainingMemory.DEFAULTS);
  }

  private static ProblemStream prompts() {
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      train.add(DIGITS.generate(Map.of(), 0, i));
    }
    return new ProblemStream(train, 5);
  }

  private static PhaseResult phase(
      Qwen2Model policy, TrainerConfig config, PhaseLimits limits, ValidationCheck validation) {
    RolloutGenerator rollouts =
        new RolloutGenerator(policy, tokenizer, new TaskFamilies(List.of(DIGITS)), SAMPLING, 4);
    return new PhaseTrainer(config, limits)
        .run(policy, rollouts::rollout, prompts(), validation, TrainingListener.NONE, 9);
  }

  @Test
  void aResetReplacesTheReferenceAndStartsAFreshOptimizer() {
    try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 1, Device.cpu())) {
      PhaseResult first = phase(policy, config(1), new PhaseLimits(3, null, 0, 0, 0), null);
      assertThat(first.stopReason()).isEqualTo(PhaseResult.StopReason.MAX_STEPS);
      assertThat(first.resetRecommended()).isFalse();
      assertThat(first.history().get(2).kl()).as("KL after two updates").isPositive();

      float[] before = policy.parameters().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
      PhaseResult second = phase(policy, config(1), new PhaseLimits(1, null, 0, 0, 0), null);
      // the reference is the incoming policy: the first update sees no KL at all
      assertThat(second.history().get(0).kl()).isZero();
      // fresh AdamW moments: the first update moves every weight by lr * g / (|g| + eps) = lr;
      // moments carried over from the last phase would give most weights other step sizes
      float[] after = policy.parameters().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
      double[] moves = new double[before.length];
      for (int i = 0; i < before.length; i++) {
        moves[i] = Math.abs(after[i] - before[i]);
      }
      java.util.Arrays.sort(moves);
      assertThat(moves[moves.length / 2]).as("median step").isBetween(0.98 * LR, 1.001 * LR);
      assertThat(moves[moves.length - 1]).as("largest step").isLessThan(1.001 * LR);
    }
  }

  @Test
  void aValidationPlateauStopsThePhaseAndRecommendsAReset() {
    try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 2, Device.cpu())) {
      PhaseResult r =
          phase(policy, config(1), new PhaseLimits(20, null, 1, 2, 0), p -> Validation.of(0.5));
      assertThat(r.stopReason()).isEqualTo(PhaseResult.StopReason.PLATEAU);
      assertThat(r.resetRecommended()).isTrue();
      assertThat(r.steps()).isEqualTo(3);
      assertThat(r.validations()).containsExactly(0.5, 0.5, 0.5);
      assertThat(r.bestValidation()).isEqualTo(0.5);
    }
  }

  @Test
  void aValidationAtTheTargetEndsThePhaseWithoutAReset() {
    try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 2, Device.cpu())) {
      PhaseLimits limits = new PhaseLimits(20, null, 2, 5, 0, 0.75);
      PhaseResult r = phase(policy, config(1), limits, p -> Validation.of(0.8));
      assertThat(r.stopReason()).isEqualTo(PhaseResult.StopReason.VALIDATION_TARGET);
      assertThat(r.resetRecommended()).isFalse();
      assertThat(r.steps()).isEqualTo(2);
    }
  }

  @Test
  void limitsNameEveryBadValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new PhaseLimits(0, null, -1, 0, 0, 1.5))
        .hasMessage(
            "maxSteps must be >= 1, got 0; validateEvery must be >= 0, got -1;"
                + " validationTarget must lie in [0, 1] (0 = off), got 1.5");
  }

  @Test
  void klAboveTheLimitOrTimeUpStopsThePhase() {
    try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 3, Device.cpu())) {
      PhaseResult kl = phase(policy, config(2), new PhaseLimits(20, null, 0, 0, 1e-12), null);
      assertThat(kl.stopReason()).isEqualTo(PhaseResult.StopReason.KL_LIMIT);
      assertThat(kl.resetRecommended()).isTrue();
      assertThat(kl.steps()).isEqualTo(1);

      PhaseResult timed =
          phase(policy, config(1), new PhaseLimits(20, Duration.ZERO, 0, 0, 0), null);
      assertThat(timed.stopReason()).isEqualTo(PhaseResult.StopReason.MAX_DURATION);
      assertThat(timed.resetRecommended()).isFalse();
      assertThat(timed.steps()).isEqualTo(1);
    }
  }
}
