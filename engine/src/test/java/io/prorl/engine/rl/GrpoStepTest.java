package io.prorl.engine.rl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RL loop end to end on a reward a random policy can already earn a little of. */
class GrpoStepTest {

  @Test
  void grpoStepsRaiseTheRewardAndKlToTheFrozenReferenceGrows(@TempDir Path dir) throws Exception {
    Path tokenizerFile = dir.resolve("tokenizer.json");
    EmbeddedDefault.writeTokenizer(tokenizerFile);
    TaskFamily digits = new DigitFamily();
    TaskFamilies families = new TaskFamilies(List.of(digits));
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      train.add(digits.generate(Map.of(), 0, i));
    }
    SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, 8, List.of(), 0);
    TrainerConfig config =
        new TrainerConfig(
            4,
            8,
            2,
            3e-3,
            0,
            1.0,
            new LossConfig(0.2, 0.28, 0.01, 0, LossConfig.Aggregation.TOKEN),
            sampling,
            true,
            false,
            3,
            0.0,
            GroupFilter.REWARD_VARIANCE,
            true,
            io.prorl.engine.scoring.TrainingMemory.DEFAULTS);
    try (Tokenizer tokenizer = Tokenizer.load(tokenizerFile);
        Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 3, Device.cpu());
        Qwen2Model reference =
            Qwen2Model.fromTensors(policy.config(), policy.toTensors(), Device.cpu());
        NDManager m = policy.manager().newSubManager();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0.0), m)) {
      policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
      float[] referenceBefore = reference.parameters().get("model.norm.weight").toFloatArray();
      RolloutGenerator rollouts = new RolloutGenerator(policy, tokenizer, families, sampling, 8);
      List<String> warnings = new ArrayList<>();
      TrainingListener listener =
          new TrainingListener() {
            @Override
            public void onStep(StepMetrics metrics) {}

            @Override
            public void onWarning(String message) {
              warnings.add(message);
            }
          };
      GrpoStep step = new GrpoStep(policy, reference, rollouts::rollout, config, adam, listener);
      ProblemStream stream = new ProblemStream(train, 1);
      List<StepMetrics> history = new ArrayList<>();
      for (int s = 1; s <= 24; s++) {
        history.add(step.run(stream, s, s));
      }
      double early =
          history.subList(0, 4).stream()
              .mapToDouble(StepMetrics::rewardMean)
              .average()
              .orElseThrow();
      double late =
          history.subList(20, 24).stream()
              .mapToDouble(StepMetrics::rewardMean)
              .average()
              .orElseThrow();
      System.out.printf("digit reward: first 4 steps %.3f, last 4 steps %.3f%n", early, late);
      assertThat(late).as("reward after 24 GRPO steps").isGreaterThan(early + 0.2);
      StepMetrics last = history.get(history.size() - 1);
      assertThat(history.stream().mapToDouble(StepMetrics::kl).max().orElseThrow())
          .as("KL to the frozen reference")
          .isPositive();
      assertThat(last.keptFraction()).isBetween(0.0, 1.0);
      assertThat(last.learningRate()).isEqualTo(3e-3);
      assertThat(reference.parameters().get("model.norm.weight").toFloatArray())
          .as("the reference never moves within a phase")
          .containsExactly(referenceBefore);
      long stepsWithMixedGroups = history.stream().filter(h -> h.keptFraction() > 0).count();
      assertThat(adam.step())
          .as("one or two mini-batch updates (of whole groups) per step that kept a group")
          .isBetween(stepsWithMixedGroups, 2 * stepsWithMixedGroups);
      assertThat(
              history.stream()
                  .filter(h -> h.keptFraction() > 0)
                  .mapToDouble(StepMetrics::surrogateGain)
                  .average()
                  .orElseThrow())
          .as("the surrogate's first-order gain of the updates")
          .isPositive();
      assertThat(warnings).noneMatch(w -> w.contains("lowered its own surrogate"));
    }
  }

  @Test
  void dynamicSamplingKeepsOnlyMixedGroupsAndDegradesWhenTheBudgetRunsOut() {
    TaskFamily digits = new DigitFamily();
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      train.add(digits.generate(Map.of(), 0, i));
    }
    // scripted rollouts: problems with an even index get mixed rewards, odd ones uniform rewards
    DynamicSampler.RolloutSource scripted =
        (problems, seed) ->
            problems.stream()
                .map(p -> {
                  boolean mixed = Integer.parseInt(p.id().substring(7)) % 2 == 0;
                  List<Reward> rewards =
                      List.of(Reward.correct("r"), mixed ? Reward.wrong("w") : Reward.correct("r"));
                  return new RolloutGroup(p, new int[] {1}, List.of(), rewards);
                })
                .toList();
    DynamicSampler sampler = new DynamicSampler(scripted, 5, GroupFilter.REWARD_VARIANCE);
    DynamicSampler.Batch batch = sampler.fill(new ProblemStream(train, 3), 4, 0);
    assertThat(batch.kept()).hasSize(4).allMatch(RolloutGroup::isMixed);
    assertThat(batch.budgetExhausted()).isFalse();
    assertThat(batch.rounds()).isGreaterThanOrEqualTo(2);
    assertThat(batch.keptFraction()).isEqualTo(4.0 / batch.sampled());

    DynamicSampler.RolloutSource allSolved =
        (problems, seed) ->
            problems.stream()
                .map(p ->
                    new RolloutGroup(
                        p,
                        new int[] {1},
                        List.of(),
                        List.of(Reward.correct("r"), Reward.correct("r"))))
                .toList();
    DynamicSampler.Batch empty =
        new DynamicSampler(allSolved, 3, GroupFilter.REWARD_VARIANCE)
            .fill(new ProblemStream(train, 3), 4, 0);
    assertThat(empty.kept()).isEmpty();
    assertThat(empty.rounds()).isEqualTo(3);
    assertThat(empty.budgetExhausted()).isTrue();
  }
}
