package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.job.RunProgress;
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

/**
 * A poisoned learning rate: 1e39 overflows float32, so the first update leaves infinite weights,
 * which the phase sees at once. It stops with NON_FINITE_LOSS and ends on the last good weights
 * (here the phase start's), which is where a resume or the next phase starts; the policy in memory
 * is restored to them too. (A learning rate of 1e30 leaves finite garbage weights whose rollouts
 * all score 0, so no update is attempted and nothing is non-finite: not detected here.)
 */
class NonFiniteLossTest {
  private static final TaskFamily DIGITS = new DigitFamily();
  private static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 0);

  private static TrainerConfig poisoned(double learningRate) {
    return TrainerConfig.builder()
        .promptsPerStep(2)
        .groupSize(4)
        .updatesPerStep(1)
        .learningRate(learningRate)
        .maxGradNorm(0.0)
        .loss(new LossConfig(0.2, 0.28, 0.05, 0, LossConfig.Aggregation.TOKEN))
        .sampling(SAMPLING)
        .build();
  }

  @TempDir Path dir;

  @Test
  void infiniteWeightsEndThePhaseOnTheLastGoodWeightsAtOnce() throws Exception {
    List<String> warnings = new ArrayList<>();
    PhaseResult r = poisonedPhase(1e39, warnings);
    assertThat(r.stopReason()).isEqualTo(PhaseResult.StopReason.NON_FINITE_LOSS);
    assertThat(r.steps()).isEqualTo(1);
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).startsWith("non-finite weights after step 1"));
    assertEndHoldsTheStartWeights(1);
  }

  private Checkpointer checkpointer() {
    return new Checkpointer(
        new FileCheckpointStore(dir.resolve("ckpt")),
        dir.resolve("tokenizer.json"),
        null,
        null,
        Map.of());
  }

  /** The end checkpoint at {@code step} holds the phase start's weights, all finite. */
  private void assertEndHoldsTheStartWeights(int step) throws Exception {
    Checkpointer checkpointer = checkpointer();
    CheckpointId end = new CheckpointId("poisoned", 1, step);
    assertThat(checkpointer.state(end).stopReason()).isEqualTo("NON_FINITE_LOSS");
    assertThat(new RunProgress(checkpointer, "poisoned").latestPhaseEnd()).contains(end);
    Map<String, SafeTensors.Tensor> start =
        checkpointer.load(new CheckpointId("poisoned", 1, 0)).weights();
    Map<String, SafeTensors.Tensor> ended = checkpointer.load(end).weights();
    for (String name : start.keySet()) {
      assertThat(ended.get(name).data()).as(name).containsExactly(start.get(name).data());
    }
  }

  private PhaseResult poisonedPhase(double learningRate, List<String> warnings) throws Exception {
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onStep(StepMetrics metrics) {}

          @Override
          public void onWarning(String message) {
            warnings.add(message);
          }
        };
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      train.add(DIGITS.generate(Map.of(), 0, i));
    }
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
      RolloutGenerator rollouts =
          new RolloutGenerator(policy, tokenizer, new TaskFamilies(List.of(DIGITS)), SAMPLING, 4);
      PhaseResult r =
          new PhaseTrainer(poisoned(learningRate), new PhaseLimits(4, null, 0, 0, 0))
              .run(
                  policy,
                  rollouts::rollout,
                  new ProblemStream(train, 5),
                  null,
                  listener,
                  3,
                  new CheckpointPlan(checkpointer(), "poisoned", 1, 1));
      assertThat(policy.parametersFinite())
          .as("the policy in memory is the last good one")
          .isTrue();
      return r;
    }
  }
}
