package io.prorl.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetAssemblerTest {
  private final TaskFamilies families = TaskFamilies.builtIn();

  @Test
  void dedupesByNormalizedPromptAndDropsEvaluationOverlap() {
    List<Problem> generated = families.generate("countdown", Map.of(), 3, 40);
    List<Problem> in = new ArrayList<>(generated);
    Problem first = generated.get(0);
    // the same prompt with other case and spacing is a duplicate
    in.add(
        new Problem(
            "copy",
            first.family(),
            first.difficulty(),
            "  " + first.prompt().toUpperCase().replace(" ", "   ") + "\n",
            first.verifier(),
            null));
    List<Problem> evaluation = List.of(generated.get(5), generated.get(6));

    DatasetAssembler.Assembled a =
        DatasetAssembler.assemble(in, evaluation, new DatasetAssembler.Config(0.25, 9));

    assertThat(a.input()).isEqualTo(41);
    assertThat(a.duplicatesRemoved()).isEqualTo(1);
    assertThat(a.evaluationOverlapRemoved()).isEqualTo(2);
    assertThat(a.train().size() + a.validation().size()).isEqualTo(38);
    assertThat(a.validation()).hasSize(10); // round(38 * 0.25)
    List<Problem> all = new ArrayList<>(a.train());
    all.addAll(a.validation());
    assertThat(all).doesNotContain(generated.get(5), generated.get(6));
    assertThat(all).extracting(Problem::id).doesNotHaveDuplicates().doesNotContain("copy");
    assertThat(a.trainPerFamily()).containsEntry("countdown", 28);
  }

  @Test
  void sameSeedSameOrderOtherSeedOtherOrder() {
    List<Problem> in = families.generate("arithmetic", Map.of(), 1, 50);
    var cfg = new DatasetAssembler.Config(0.1, 5);
    var a = DatasetAssembler.assemble(in, List.of(), cfg);
    var b = DatasetAssembler.assemble(in, List.of(), cfg);
    var c = DatasetAssembler.assemble(in, List.of(), new DatasetAssembler.Config(0.1, 6));
    assertThat(a.train()).isEqualTo(b.train());
    assertThat(a.validation()).isEqualTo(b.validation());
    assertThat(c.train()).isNotEqualTo(a.train());
    assertThat(a.train()).isNotEqualTo(in.subList(5, 50)); // shuffled, not a prefix split
  }

  @Test
  void anIdNamingTwoDifferentProblemsAcrossSourcesIsRefusedNamingBoth() {
    Problem a = families.generate("countdown", Map.of(), 3, 1).get(0);
    Problem b = families.generate("arithmetic", Map.of(), 3, 1).get(0);
    Problem sameIdOtherProblem =
        new Problem(a.id(), b.family(), b.difficulty(), b.prompt(), b.verifier(), null);
    List<Pool> pools =
        List.of(
            Pool.of("s3://data/a.jsonl", List.of(a)),
            Pool.of("b.jsonl", List.of(sameIdOtherProblem)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            DatasetAssembler.assemblePools(pools, List.of(), new DatasetAssembler.Config(0.1, 1)))
        .hasMessage(
            "problem id '"
                + a.id()
                + "' names two different problems, in s3://data/a.jsonl and in b.jsonl: ids must be"
                + " unique across the dataset's sources");
  }
}
