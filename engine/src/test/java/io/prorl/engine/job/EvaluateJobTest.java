package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.prorl.engine.ParityFamily;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The reasoning boundary per set: each held-out family and each out-of-distribution set gets its
 * pass@k curve, mean reward and response length; a run's checkpoint is recognised by its manifest.
 * The embedded 1.3M-parameter policy, untrained, answers the parity family about half the time.
 */
class EvaluateJobTest {
  @TempDir Path tmp;
  @TempDir static Path shared;
  private static Path plain;

  @BeforeAll
  static void writePolicy() throws Exception {
    plain = EmbeddedDefault.write(shared.resolve("plain"), 3);
  }

  private final TaskFamilies families =
      new TaskFamilies(
          List.of(new ParityFamily("even_a"), new ParityFamily("even_b"), new ParityFamily("far")));

  @Test
  void defaultKsArePowersOfTwoBelowNAndNItself() {
    assertThat(EvaluateJob.defaultKs(8)).containsExactly(1, 2, 4, 8);
    assertThat(EvaluateJob.defaultKs(6)).containsExactly(1, 2, 4, 6);
    assertThat(EvaluateJob.defaultKs(64)).containsExactly(1, 2, 4, 8, 16, 32, 64);
    assertThat(EvaluateJob.defaultKs(1)).containsExactly(1);
    assertThat(EvaluateJob.Config.builder(Map.of("p", "/x")).samples(6).build().ks())
        .containsExactly(1, 2, 4, 6);
    assertThat(EvaluateJob.Config.builder(Map.of("p", "/x")).build().ks())
        .containsExactly(1, 2, 4, 8);
    assertThat(EvaluateJob.Config.builder(Map.of("p", "/x")).ks(List.of(1, 3)).build().ks())
        .containsExactly(1, 3);
  }

  @Test
  void theDefaultsAreThePapers() {
    EvaluateJob.Config c = EvaluateJob.Config.builder(Map.of("p", "/x")).build();
    assertThat(c.temperature()).isEqualTo(0.6);
    assertThat(c.topP()).isEqualTo(0.95);
  }

  @Test
  void aKAboveNIsRefusedNamingKs() {
    assertThatThrownBy(
            () -> EvaluateJob.Config.builder(Map.of("p", "/x")).ks(List.of(1, 16)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ks: each k must lie in [1, samples=8], got 16");
    assertThat(EvaluateJob.violations(4, List.of(0), 0.6, 0, 64, -1))
        .containsExactly(
            "ks: each k must lie in [1, samples=4], got 0",
            "topP must lie in (0, 1], got 0.0",
            "maxProblems must be >= 0 (0 = all), got -1");
  }

  @Test
  void setsAreTheHeldOutFamiliesThenTheOutOfDistributionSets() {
    List<Problem> heldOut = new ArrayList<>(families.generate("even_b", Map.of(), 1, 3));
    heldOut.addAll(families.generate("even_a", Map.of(), 1, 5));
    List<EvaluateJob.ProblemSet> sets =
        EvaluateJob.sets(heldOut, Map.of("far", families.generate("far", Map.of(), 1, 4)), 4);
    assertThat(sets)
        .extracting(EvaluateJob.ProblemSet::name)
        .containsExactly("even_a", "even_b", "far");
    assertThat(sets).extracting(s -> s.problems().size()).containsExactly(4, 3, 4);
    assertThat(sets)
        .extracting(EvaluateJob.ProblemSet::outOfDistribution)
        .containsExactly(false, false, true);

    assertThatThrownBy(() ->
            EvaluateJob.sets(
                heldOut, Map.of("even_a", families.generate("far", Map.of(), 1, 2)), 0))
        .hasMessage(
            "outOfDistribution.even_a: the held-out problems have a family of that name; name the"
                + " set differently");
    assertThatThrownBy(() -> EvaluateJob.sets(heldOut, Map.of("far", List.of()), 0))
        .hasMessage("outOfDistribution.far: the set is empty");
    assertThatThrownBy(() -> EvaluateJob.sets(List.of(), Map.of(), 0))
        .hasMessage("problems: the evaluation set is empty");
  }

  @Test
  void passAtKPerSetForARunCheckpointAndAnOutsidePolicy() throws Exception {
    String base = baseCheckpoint(plain);
    List<Problem> heldOut = new ArrayList<>(families.generate("even_a", Map.of(), 1, 4));
    heldOut.addAll(families.generate("even_b", Map.of(), 1, 2));
    Map<String, List<Problem>> ood = Map.of("far", families.generate("far", Map.of(), 1, 2));
    Map<String, String> policies = new LinkedHashMap<>();
    policies.put("start", base);
    policies.put("outside", plain.toString());
    EvaluateJob.Config config =
        EvaluateJob.Config.builder(policies).samples(8).maxNewTokens(8).maxProblems(3).build();
    List<String> log = new ArrayList<>();

    EvaluateJob.Report report = EvaluateJob.run(config, heldOut, ood, families, log::add);

    assertThat(report.ks()).containsExactly(1, 2, 4, 8);
    assertThat(report.problems()).isEqualTo(5); // 3 of even_a (maxProblems) + 2 of even_b
    assertThat(report.temperature()).isEqualTo(0.6);
    assertThat(report.topP()).isEqualTo(0.95);
    EvaluateJob.PolicyReport start = report.policies().get(0);
    assertThat(start.checkpoint()).isEqualTo(new CheckpointId("r1", 0, 0));
    assertThat(report.policies().get(1).checkpoint()).isNull();
    for (EvaluateJob.PolicyReport p : report.policies()) {
      assertThat(p.perSet())
          .extracting(EvaluateJob.SetResult::set)
          .containsExactly("even_a", "even_b", "far");
      assertThat(p.perSet())
          .extracting(EvaluateJob.SetResult::outOfDistribution)
          .containsExactly(false, false, true);
      assertThat(p.perSet()).extracting(EvaluateJob.SetResult::problems).containsExactly(3, 2, 2);
      double heldOutPass1 = 0;
      for (EvaluateJob.SetResult s : p.perSet()) {
        assertThat(s.samples()).isEqualTo(8);
        assertThat(s.passAtK().keySet()).containsExactly(1, 2, 4, 8);
        // reward is 1 when correct, else 0: mean reward = mean c/n = pass@1
        assertThat(s.meanReward()).isCloseTo(s.passAtK().get(1), within(1e-12));
        assertThat(s.passAtK().get(1)).isLessThanOrEqualTo(s.passAtK().get(2));
        assertThat(s.passAtK().get(2)).isLessThanOrEqualTo(s.passAtK().get(4));
        assertThat(s.passAtK().get(4)).isLessThanOrEqualTo(s.passAtK().get(8));
        assertThat(s.meanResponseTokens()).isBetween(1.0, 8.0);
        if (!s.outOfDistribution()) {
          heldOutPass1 += s.passAtK().get(1) * s.problems();
        }
      }
      // overall and per family: the held-out problems only
      assertThat(p.passAtK().get(1)).isCloseTo(heldOutPass1 / 5, within(1e-12));
      assertThat(p.perFamily().keySet()).containsExactly("even_a", "even_b");
      assertThat(p.perFamily().get("even_b")).isEqualTo(p.perSet().get(1).passAtK());
    }
    // an untrained policy solves parity about half the time, so the curve rises with k
    EvaluateJob.SetResult a = start.perSet().get(0);
    assertThat(a.passAtK().get(1)).isBetween(0.2, 0.8);
    assertThat(a.passAtK().get(8)).isGreaterThan(a.passAtK().get(1));
    assertThat(log).hasSize(6);
    assertThat(log.get(2))
        .startsWith("policy start (base), set far (OOD): 2 problems x 8 samples, pass@1 ")
        .contains(" pass@8 ")
        .contains(", mean reward ")
        .contains(" tokens (");
    assertThat(log.get(3)).startsWith("policy outside, set even_a: 3 problems x 8 samples");

    // the report file matches schemas/evaluation-report.schema.json (checked on write)
    Path file = tmp.resolve("report.json");
    EvaluateJob.write(report, file);
    JsonNode doc = Json.MAPPER.readTree(Files.readString(file));
    assertThat(doc.path("policies").get(0).path("checkpoint").path("phase").asInt()).isZero();
    assertThat(doc.path("policies").get(0).path("perSet").get(2).path("set").asString())
        .isEqualTo("far");
  }

  @Test
  void aSetsSamplesDoNotDependOnTheOtherSets() throws Exception {
    List<Problem> a = families.generate("even_a", Map.of(), 1, 2);
    Map<String, List<Problem>> ood = Map.of("far", families.generate("far", Map.of(), 1, 2));
    EvaluateJob.Config config =
        EvaluateJob.Config.builder(Map.of("p", plain.toString()))
            .samples(4)
            .maxNewTokens(8)
            .build();
    List<Problem> more = new ArrayList<>(a);
    more.addAll(families.generate("even_b", Map.of(), 1, 2));
    EvaluateJob.SetResult alone =
        EvaluateJob.run(config, a, ood, families, m -> {}).policies().get(0).perSet().get(1);
    EvaluateJob.SetResult withOthers =
        EvaluateJob.run(config, more, ood, families, m -> {}).policies().get(0).perSet().get(2);
    assertThat(withOthers).isEqualTo(alone);
  }

  /** The plain policy written as the base checkpoint (phase 0, step 0) of run r1. */
  private String baseCheckpoint(Path policy) throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    Checkpointer checkpointer =
        new Checkpointer(store, policy.resolve(HfModelDir.TOKENIZER), null, null, Map.of());
    try (Qwen2Model model = HfModelDir.load(policy, Device.cpu())) {
      return checkpointer.write(
          new CheckpointId("r1", 0, 0),
          model,
          null,
          new TrainerState(0, 0, 1, 0, 0, 0, null, List.of(), null));
    }
  }
}
