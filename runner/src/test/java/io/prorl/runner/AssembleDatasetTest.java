package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kestra.core.junit.annotations.KestraTest;
import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.kestra.core.runners.RunContextFactory;
import io.kestra.plugin.prorl.AssembleDataset;
import io.prorl.engine.defaults.EmbeddedDefault;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AssembleDataset as Kestra's plugins test a task: built, run with a RunContext, outputs typed. */
@KestraTest
class AssembleDatasetTest {
  @Inject private RunContextFactory runContextFactory;

  private static Map<String, Object> entry(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void weightsCurriculumAndOutOfDistributionSets() throws Exception {
    AssembleDataset task =
        AssembleDataset.builder()
            .id("dataset")
            .type(AssembleDataset.class.getName())
            .generate(
                Property.ofValue(
                    List.of(
                        entry(
                            "family",
                            "graph_color",
                            "count",
                            200,
                            "seed",
                            1,
                            "weight",
                            0.75,
                            "difficulty",
                            Map.of("vertices", List.of(6, 7))),
                        entry("family", "countdown", "count", 100, "seed", 2, "weight", 0.25))))
            .outOfDistribution(
                Property.ofValue(
                    List.of(
                        entry("name", "boxnet", "family", "boxnet", "count", 10, "seed", 3),
                        entry(
                            "name",
                            "graph_color_9v",
                            "family",
                            "graph_color",
                            "count",
                            10,
                            "seed",
                            4,
                            "difficulty",
                            Map.of("vertices", 9)))))
            .validationFraction(Property.ofValue(0.1))
            .build();
    RunContext runContext = runContextFactory.of(Map.of());

    AssembleDataset.Output out = task.run(runContext);

    // N = min(200 / 0.75, 100 / 0.25) = 266: 200 graphs and 67 countdown, 10% to validation
    assertThat(out.getTrainCount() + out.getValidationCount()).isEqualTo(267);
    Map<String, Integer> all = new java.util.TreeMap<>(out.getTrainPerFamily());
    out.getValidationPerFamily().forEach((f, n) -> all.merge(f, n, Integer::sum));
    assertThat(all).isEqualTo(Map.of("graph_color", 200, "countdown", 67));
    assertThat(out.getTrainPerDifficulty().get("graph_color"))
        .containsOnlyKeys("vertices=6", "vertices=7");
    assertThat(out.getOod()).containsOnlyKeys("boxnet", "graph_color_9v");
    assertThat(out.getShortfalls()).isEmpty();
    assertThat(out.getRemovedPerFamily()).doesNotContainKey("countdown");
    try (var in = runContext.storage().getFile(out.getOod().get("boxnet"))) {
      assertThat(new String(in.readAllBytes()).lines()).hasSize(10);
    }
  }

  @Test
  void aBadWeightAndABadOutOfDistributionEntryAreNamed() {
    AssembleDataset task =
        AssembleDataset.builder()
            .id("dataset")
            .type(AssembleDataset.class.getName())
            .generate(
                Property.ofValue(
                    List.of(entry("family", "graph_color", "count", 10, "weight", -1))))
            .outOfDistribution(
                Property.ofValue(
                    List.of(
                        entry("name", "big", "family", "graph_color", "count", 5),
                        entry("name", "graph_color", "family", "graph_color", "count", 5))))
            .build();
    // Kestra's model validation reports the same rules before the flow runs
    assertThat(task.staticViolations())
        .contains(
            "generate[0].weight must be a positive number, got -1.0",
            "outOfDistribution[1].name: 'graph_color' is also a trained family; name the set"
                + " apart, e.g. graph_color_ood");
    assertThatThrownBy(() -> task.run(runContextFactory.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "generate[0].weight must be a positive number, got -1.0; outOfDistribution[1].name:"
                + " 'graph_color' is also a trained family; name the set apart, e.g."
                + " graph_color_ood");
  }

  private AssembleDataset filtered(String policy, double min, double max) {
    return AssembleDataset.builder()
        .id("dataset")
        .type(AssembleDataset.class.getName())
        .generate(
            Property.ofValue(
                List.of(
                    entry("family", "graph_color", "count", 5, "seed", 1),
                    entry("family", "countdown", "count", 4, "seed", 2))))
        .outOfDistribution(
            Property.ofValue(List.of(entry("name", "boxnet", "family", "boxnet", "count", 3))))
        .difficultyFilter(
            Property.ofValue(
                entry(
                    "policy",
                    policy,
                    "samples",
                    2,
                    "maxNewTokens",
                    16,
                    "seed",
                    3,
                    "minPassRate",
                    min,
                    "maxPassRate",
                    max)))
        .validationFraction(Property.ofValue(0.2))
        .build();
  }

  @Test
  void theDifficultyFilterKeepsTrainingProblemsInTheBandAndCountsWhatEachFamilyLost(
      @TempDir Path tmp) throws Exception {
    String policy = EmbeddedDefault.write(tmp.resolve("policy"), 1).toUri().toString();

    // a freshly initialised policy solves nothing: every pass rate is 0, inside [0, 0.5]
    AssembleDataset.Output out = filtered(policy, 0, 0.5).run(runContextFactory.of(Map.of()));

    assertThat(out.getDifficultyFiltered())
        .isEqualTo(
            Map.of(
                "graph_color", Map.of("kept", 5, "tooEasy", 0, "tooHard", 0),
                "countdown", Map.of("kept", 4, "tooEasy", 0, "tooHard", 0)));
    Map<String, Integer> all = new java.util.TreeMap<>(out.getTrainPerFamily());
    out.getValidationPerFamily().forEach((f, n) -> all.merge(f, n, Integer::sum));
    out.getDifficultyFiltered().forEach((f, c) -> assertThat(all.get(f)).isEqualTo(c.get("kept")));
    assertThat(out.getOod()).containsOnlyKeys("boxnet"); // never filtered
    try (var in = runContextFactory.of(Map.of()).storage().getFile(out.getManifest())) {
      var manifest = io.prorl.tasks.Json.MAPPER.readTree(in.readAllBytes());
      // the histogram: all 5 graphs had 0 of 2 responses correct
      assertThat(manifest.at("/difficultyFiltered/graph_color/problemsByCorrect").toString())
          .isEqualTo("[5,0,0]");
      assertThat(manifest.at("/difficultyFilter/samples").asInt()).isEqualTo(2);
    }

    // [0.5, 1] keeps what the policy solves at least half the time: nothing, all too hard
    assertThatThrownBy(() -> filtered(policy, 0.5, 1).run(runContextFactory.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the training set is empty after cleaning and difficulty filtering (9 problems in)");
  }

  @Test
  void aBandThatHoldsNoPassRateIsNamedBeforeTheFlowRuns() {
    AssembleDataset task = filtered("file:///nowhere", 0.8, 0.2);
    assertThat(task.staticViolations())
        .containsExactly(
            "difficultyFilter.minPassRate (0.8) must be <= maxPassRate (0.2): no pass rate lies"
                + " in the band");
    assertThatThrownBy(() -> task.run(runContextFactory.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "difficultyFilter.minPassRate (0.8) must be <= maxPassRate (0.2): no pass rate lies"
                + " in the band");
  }

  @Test
  void aMissingS3SourceFailsNamingThePropertyAndTheUri() throws Exception {
    try (io.prorl.engine.S3MockServer s3 = io.prorl.engine.S3MockServer.start("data")) {
      AssembleDataset task =
          AssembleDataset.builder()
              .id("dataset")
              .type(AssembleDataset.class.getName())
              .sources(Property.ofValue(List.<Object>of("s3://data/in/nothing.jsonl")))
              .s3Endpoint(Property.ofValue(s3.endpoint()))
              .s3AccessKeyId(Property.ofValue(io.prorl.engine.S3MockServer.ACCESS_KEY))
              .s3SecretAccessKey(Property.ofValue(io.prorl.engine.S3MockServer.SECRET_KEY))
              .build();
      assertThatThrownBy(() -> task.run(runContextFactory.of(Map.of())))
          .isInstanceOf(java.io.IOException.class)
          .hasMessage("sources[0]: no object at s3://data/in/nothing.jsonl");
    }
  }
}
