package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A phase stopped after step s and resumed gives steps s+1.. exactly as an uninterrupted run. */
class ResumeTest {
  private static final TaskFamily DIGITS = new DigitFamily();
  private static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 0);
  private static final TrainerConfig CONFIG =
      new TrainerConfig(
          2,
          4,
          2,
          2e-3,
          2,
          1.0,
          new LossConfig(0.2, 0.28, 0.05, 0, LossConfig.Aggregation.TOKEN),
          SAMPLING,
          true,
          false,
          3,
          0.01,
          GroupFilter.REWARD_VARIANCE,
          true,
          io.prorl.engine.scoring.TrainingMemory.DEFAULTS);
  private static final PhaseLimits LIMITS = new PhaseLimits(4, null, 0, 0, 0);

  @TempDir Path dir;

  private static ProblemStream prompts() {
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      train.add(DIGITS.generate(Map.of(), 0, i));
    }
    return new ProblemStream(train, 5);
  }

  private PhaseResult phase(
      Qwen2Model policy, Tokenizer tokenizer, String runId, TrainingListener listener) {
    Checkpointer checkpointer =
        new Checkpointer(
            new FileCheckpointStore(dir.resolve("ckpt")),
            dir.resolve("tokenizer.json"),
            null,
            null,
            Map.of("test", "resume"));
    RolloutGenerator rollouts =
        new RolloutGenerator(policy, tokenizer, new TaskFamilies(List.of(DIGITS)), SAMPLING, 4);
    return new PhaseTrainer(CONFIG, LIMITS)
        .run(
            policy,
            rollouts::rollout,
            prompts(),
            null,
            listener,
            21,
            new CheckpointPlan(checkpointer, runId, 1, 1));
  }

  @Test
  void resumingAfterACrashRepeatsTheRemainingStepsExactly() throws Exception {
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"))) {
      List<StepMetrics> straight;
      float[] straightWeights;
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
        PhaseResult r = phase(policy, tokenizer, "straight", TrainingListener.NONE);
        assertThat(r.steps()).isEqualTo(4);
        assertThat(r.checkpoint()).endsWith("straight/phase-0001/step-000004/");
        straight = r.history();
        straightWeights =
            policy.parameters().get("model.layers.3.mlp.down_proj.weight").toFloatArray();
      }

      TrainingListener crashInStepThree =
          metrics -> {
            if (metrics.step() == 3) {
              throw new IllegalStateException("simulated crash in step 3");
            }
          };
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
        assertThatThrownBy(() -> phase(policy, tokenizer, "crashed", crashInStepThree))
            .hasMessageContaining("simulated crash");
      }
      // a new process: another initial policy and a fresh prompt stream, all overwritten by resume
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 99, Device.cpu())) {
        PhaseResult resumed = phase(policy, tokenizer, "crashed", TrainingListener.NONE);
        assertThat(resumed.resumedFromStep()).isEqualTo(2);
        assertThat(resumed.history()).hasSize(2);
        for (int i = 0; i < 2; i++) {
          assertSameLearning(resumed.history().get(i), straight.get(i + 2));
        }
        assertThat(policy.parameters().get("model.layers.3.mlp.down_proj.weight").toFloatArray())
            .containsExactly(straightWeights);
        // started again once the phase has ended: nothing is redone
        PhaseResult again = phase(policy, tokenizer, "crashed", TrainingListener.NONE);
        assertThat(again.history()).isEmpty();
        assertThat(again.steps()).isEqualTo(4);
      }
    }
  }

  /** Every learning figure equal; only timings may differ. */
  private static void assertSameLearning(StepMetrics a, StepMetrics b) {
    assertThat(a.step()).isEqualTo(b.step());
    assertThat(a.rewardMean()).isEqualTo(b.rewardMean());
    assertThat(a.rewardStd()).isEqualTo(b.rewardStd());
    assertThat(a.accuracy()).isEqualTo(b.accuracy());
    assertThat(a.keptFraction()).isEqualTo(b.keptFraction());
    assertThat(a.responseLengthMean()).isEqualTo(b.responseLengthMean());
    assertThat(a.entropy()).isEqualTo(b.entropy());
    assertThat(a.kl()).isEqualTo(b.kl());
    assertThat(a.clipFractionLow()).isEqualTo(b.clipFractionLow());
    assertThat(a.clipFractionHigh()).isEqualTo(b.clipFractionHigh());
    assertThat(a.ratioMean()).isEqualTo(b.ratioMean());
    assertThat(a.gradNorm()).isEqualTo(b.gradNorm());
    assertThat(a.learningRate()).isEqualTo(b.learningRate());
    assertThat(a.loss()).isEqualTo(b.loss());
  }
}
