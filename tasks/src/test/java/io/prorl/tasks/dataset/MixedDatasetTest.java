package io.prorl.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several families together: weights, a curriculum, distinct generation, counts, determinism. */
class MixedDatasetTest {
  private final TaskFamilies families = TaskFamilies.builtIn();

  private List<Pool> pools(long seed) {
    GeneratedSet graphs =
        new GeneratedSet(
            "graph_color",
            300,
            seed,
            new DifficultySpec(
                Map.of("vertices", Map.of("min", 6, "max", 7), "edgeProbability", 0.4)),
            OptionalDouble.of(0.6));
    GeneratedSet countdown =
        new GeneratedSet("countdown", 300, seed + 1, DifficultySpec.NONE, OptionalDouble.of(0.2));
    GeneratedSet arithmetic =
        new GeneratedSet(
            "arithmetic",
            300,
            seed + 2,
            new DifficultySpec(Map.of("terms", List.of(2, 3))),
            OptionalDouble.of(0.2));
    List<Pool> out = new ArrayList<>();
    for (GeneratedSet s : List.of(graphs, countdown, arithmetic)) {
      DistinctGenerator.Generated g = DistinctGenerator.generate(families, s);
      assertThat(g.shortfall()).isEmpty();
      out.add(new Pool("generate " + s.family(), s.weight(), g.problems()));
    }
    return out;
  }

  @Test
  void weightsShareTheMixAndTheCurriculumSpreadsTheSizes() {
    DatasetAssembler.Assembled a =
        DatasetAssembler.assemblePools(pools(1), List.of(), new DatasetAssembler.Config(0.1, 7));

    // N = min(300/0.6, 300/0.2, 300/0.2) = 500: 300 graphs, 100 countdown, 100 arithmetic
    assertThat(a.mix()).extracting(Mix.Share::taken).containsExactly(300, 100, 100);
    assertThat(a.train().size() + a.validation().size()).isEqualTo(500);
    assertThat(a.validation()).hasSize(50);
    Map<String, Integer> all = new java.util.TreeMap<>(a.trainPerFamily());
    a.validationPerFamily().forEach((f, n) -> all.merge(f, n, Integer::sum));
    assertThat(all).isEqualTo(Map.of("arithmetic", 100, "countdown", 100, "graph_color", 300));
    // the curriculum's knobs name the difficulty; both sizes are drawn, about half each
    Map<String, Integer> graphs =
        new java.util.TreeMap<>(a.trainPerDifficulty().get("graph_color"));
    a.validationPerDifficulty()
        .get("graph_color")
        .forEach((k, n) -> graphs.merge(k, n, Integer::sum));
    assertThat(graphs).containsOnlyKeys("vertices=6", "vertices=7");
    assertThat(graphs.values()).allSatisfy(n -> assertThat(n).isBetween(120, 180));
    assertThat(a.trainPerDifficulty().get("arithmetic")).containsOnlyKeys("terms=2", "terms=3");
    // countdown has no curriculum: its difficulty is all of its knobs
    assertThat(a.trainPerDifficulty().get("countdown").keySet())
        .singleElement()
        .satisfies(k -> assertThat(k).contains("numbers="));
    Set<String> prompts = new HashSet<>();
    a.train().forEach(p -> prompts.add(DatasetAssembler.promptKey(p.prompt())));
    a.validation().forEach(p -> prompts.add(DatasetAssembler.promptKey(p.prompt())));
    assertThat(prompts).hasSize(500);
  }

  @Test
  void sameSeedSameDatasetOtherSeedOtherDataset() {
    var cfg = new DatasetAssembler.Config(0.1, 7);
    var a = DatasetAssembler.assemblePools(pools(1), List.of(), cfg);
    var b = DatasetAssembler.assemblePools(pools(1), List.of(), cfg);
    var c = DatasetAssembler.assemblePools(pools(2), List.of(), cfg);
    assertThat(b.train()).isEqualTo(a.train());
    assertThat(b.validation()).isEqualTo(a.validation());
    assertThat(b.trainPerDifficulty()).isEqualTo(a.trainPerDifficulty());
    assertThat(c.train())
        .extracting(Problem::prompt)
        .isNotEqualTo(a.train().stream().map(Problem::prompt).toList());
  }

  @Test
  void withoutWeightsEverythingIsKept() {
    List<Pool> unweighted = pools(1).stream().map(p -> Pool.of(p.name(), p.problems())).toList();
    var a =
        DatasetAssembler.assemblePools(unweighted, List.of(), new DatasetAssembler.Config(0, 7));
    assertThat(a.train()).hasSize(900);
  }

  @Test
  void weightsOnSomePoolsOnlyAreRefused() {
    List<Pool> p = new ArrayList<>(pools(1));
    p.set(1, Pool.of("sources[0] file:///a.jsonl", p.get(1).problems()));
    assertThatThrownBy(
            () -> DatasetAssembler.assemblePools(p, List.of(), new DatasetAssembler.Config(0, 7)))
        .hasMessage(
            "weight: give every generate and sources entry a weight, or none (unweighted:"
                + " sources[0] file:///a.jsonl)");
    assertThat(Mix.weightViolations(-1, "generate[0]"))
        .containsExactly("generate[0].weight must be a positive number, got -1.0");
  }

  @Test
  void generationRunsUntilTheCountIsDistinctOrSaysWhyNot() {
    // 5-vertex graphs: the first 2,000 indices hold far fewer distinct prompts
    DistinctGenerator.Generated big =
        DistinctGenerator.generate(
            families,
            new GeneratedSet(
                "graph_color", 600, 1, new DifficultySpec(Map.of("vertices", 5)), null));
    assertThat(big.problems()).hasSize(600);
    assertThat(big.shortfall()).isEmpty();
    Set<String> keys = new HashSet<>();
    big.problems().forEach(p -> keys.add(DatasetAssembler.promptKey(p.prompt())));
    assertThat(keys).hasSize(600);
    assertThat(big.problems()).allSatisfy(p -> assertThat(p.solution()).isNotNull());

    // 3-vertex graphs with 3 colors: a handful exist; the set is short and says so
    DistinctGenerator.Generated tiny =
        DistinctGenerator.generate(
            families,
            new GeneratedSet(
                "graph_color", 50, 1, new DifficultySpec(Map.of("vertices", 3)), null));
    assertThat(tiny.shortfall()).isPresent();
    DistinctGenerator.Shortfall s = tiny.shortfall().get();
    assertThat(s.requested()).isEqualTo(50);
    assertThat(s.reached()).isEqualTo(tiny.problems().size()).isLessThan(50);
    assertThat(s.attempts()).isEqualTo(50 * DistinctGenerator.MAX_ATTEMPTS_PER_PROBLEM);
    assertThat(s.describe())
        .isEqualTo(
            "graph_color (difficulty {vertices=3}): 50 distinct problems requested, "
                + s.reached()
                + " reached after 1000 attempts");
  }

  @Test
  void curriculumDrawsAreDeterministicAndFixedKnobsChangeNothing() {
    DifficultySpec range = new DifficultySpec(Map.of("vertices", Map.of("min", 4, "max", 6)));
    assertThat(range.draw("graph_color", 3, 17)).isEqualTo(range.draw("graph_color", 3, 17));
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      seen.add(range.draw("graph_color", 3, i).get("vertices"));
    }
    assertThat(seen).containsExactlyInAnyOrder(4, 5, 6);
    // scalar knobs: the same problems as the plain generator
    Problem plain = families.generate("graph_color", Map.of("vertices", 5), 1, 3).get(2);
    Problem viaSpec =
        DistinctGenerator.generate(
                families,
                new GeneratedSet(
                    "graph_color", 3, 1, new DifficultySpec(Map.of("vertices", 5)), null))
            .problems()
            .get(2);
    assertThat(viaSpec).isEqualTo(plain);
    Map<String, Object> reversed = new java.util.LinkedHashMap<>();
    reversed.put("min", 6);
    reversed.put("max", 4);
    assertThat(DifficultySpec.violations(Map.of("vertices", reversed), "d"))
        .containsExactly(
            "d.vertices: a range needs integer min <= max ({min: 4, max: 6}), got {min=6, max=4}");
  }
}
