package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kestra.core.junit.annotations.KestraTest;
import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.kestra.core.runners.RunContextFactory;
import io.kestra.plugin.prorl.AssembleDataset;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
