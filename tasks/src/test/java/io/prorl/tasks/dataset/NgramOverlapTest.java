package io.prorl.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NgramOverlapTest {
  private final TaskFamilies families = TaskFamilies.builtIn();

  private List<Problem> graphs(int vertices, long seed, int count) {
    return DistinctGenerator.generate(
            families,
            new GeneratedSet(
                "graph_color", count, seed, new DifficultySpec(Map.of("vertices", vertices)), null))
        .problems();
  }

  /** The prompt with the second endpoint of its middle edge moved: one number changed. */
  private static Problem nearCopy(Problem e) {
    Matcher m = Pattern.compile("\\((\\d+), (\\d+)\\)").matcher(e.prompt());
    List<int[]> ends = new ArrayList<>();
    while (m.find()) {
      ends.add(new int[] {m.start(2), m.end(2), Integer.parseInt(m.group(2))});
    }
    int[] middle = ends.get(ends.size() / 2);
    int moved = middle[2] == 7 ? 6 : middle[2] + 1;
    String changed = e.prompt().substring(0, middle[0]) + moved + e.prompt().substring(middle[1]);
    return new Problem("near", e.family(), e.difficulty(), changed, e.verifier(), null);
  }

  /**
   * The first evaluation problems with at least 10 edges: problem text long against n = 8 to
   * compare.
   */
  private static List<Problem> dense(List<Problem> evaluation) {
    return evaluation.stream()
        .filter(p -> ((List<?>) p.verifier().get("edges")).size() >= 10)
        .toList();
  }

  @Test
  void aNearCopyOfAnEvaluationProblemIsFlaggedAnotherGraphOfTheSameSizeIsNot() {
    List<Problem> evaluation = graphs(8, 2, 100);
    List<Problem> train = new ArrayList<>(graphs(8, 1, 300));
    Problem first = dense(evaluation).get(0);
    Problem near = nearCopy(first);
    assertThat(near.prompt()).isNotEqualTo(first.prompt());
    train.add(near);
    NgramOverlap overlap = new NgramOverlap(Decontamination.DEFAULTS, train, evaluation);

    assertThat(overlap.nearCopy(near))
        .hasValueSatisfying(m -> {
          assertThat(m.evaluationId()).isEqualTo(first.id());
          assertThat(m.share()).isGreaterThan(Decontamination.DEFAULT_NGRAM_OVERLAP);
        });
    // two different graph_color problems of the same size: not flagged
    assertThat(overlap.nearCopy(train.get(0))).isEmpty();
    // one number changed in any of the first five dense evaluation problems: flagged
    for (Problem e : dense(evaluation).subList(0, 5)) {
      assertThat(overlap.nearCopy(nearCopy(e))).as(e.prompt()).isPresent();
    }
    assertThat(train.subList(0, 300).stream().filter(p -> overlap.nearCopy(p).isPresent()))
        .hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void trainedSizesAndFamiliesAreNotFlaggedAgainstOutOfDistributionSets() {
    List<Problem> train = new ArrayList<>();
    for (int v : new int[] {4, 5, 6}) {
      train.addAll(graphs(v, v, 200));
    }
    train.addAll(families.generate("countdown", Map.of(), 1, 200));
    List<Problem> evaluation = new ArrayList<>(graphs(8, 9, 50));
    evaluation.addAll(families.generate("boxnet", Map.of(), 9, 50));
    NgramOverlap overlap = new NgramOverlap(Decontamination.DEFAULTS, train, evaluation);
    assertThat(train.stream().filter(p -> overlap.nearCopy(p).isPresent())).isEmpty();
  }

  @Test
  void theAssemblerReportsWhyEachFamilyLostProblems() {
    List<Problem> evaluation = graphs(8, 2, 100);
    List<Problem> train = new ArrayList<>(graphs(8, 1, 300));
    train.add(nearCopy(dense(evaluation).get(1)));
    train.add(evaluation.get(2));
    var a = DatasetAssembler.assemble(train, evaluation, new DatasetAssembler.Config(0.1, 3));
    assertThat(a.removedPerFamily().get("graph_color").exactOverlap()).isEqualTo(1);
    assertThat(a.removedPerFamily().get("graph_color").ngramOverlap()).isGreaterThanOrEqualTo(1);
    assertThat(a.ngramMatches()).extracting(NgramOverlap.Match::problemId).contains("near");
    // ngramOverlap 1 turns the n-gram rule off; exact matches still go
    var off =
        DatasetAssembler.assemble(
            train, evaluation, new DatasetAssembler.Config(0.1, 3, new Decontamination(8, 1.0)));
    assertThat(off.removedPerFamily().get("graph_color").ngramOverlap()).isZero();
    assertThat(off.removedPerFamily().get("graph_color").exactOverlap()).isEqualTo(1);
    assertThat(Decontamination.violations(0, 1.5))
        .containsExactly(
            "ngramSize must be an integer in [1, 64], got 0.0",
            "ngramOverlap must lie in (0, 1], got 1.5");
  }
}
