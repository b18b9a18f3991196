package io.prorl.tasks.graphcolor;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphColorVerifierTest {
  private final GraphColorFamily family = new GraphColorFamily();
  // A path 0 - 1 - 2 plus isolated vertex 3: 4 vertex constraints + 2 edge constraints.
  private final Problem problem =
      new Problem(
          "t",
          "graph_color",
          Map.of(),
          "p",
          Map.of("vertices", 4, "colors", 2, "edges", List.of(List.of(0, 1), List.of(1, 2))),
          null);

  private Reward score(String answer) {
    return family.score(problem, "<answer>" + answer + "</answer>");
  }

  @Test
  void properColoringGetsFullCredit() {
    assertThat(score("{\"0\": 1, \"1\": 2, \"2\": 1, \"3\": 2}").correct()).isTrue();
  }

  @Test
  void creditIsTheShareOfConstraintsMet() {
    Reward oneConflict = score("{\"0\": 1, \"1\": 1, \"2\": 2, \"3\": 1}");
    assertThat(oneConflict.value()).isEqualTo(5.0 / 6);
    assertThat(oneConflict.reason()).contains("edge (0, 1) joins color 1");

    Reward missingVertex = score("{\"0\": 1, \"1\": 2, \"2\": 1}");
    assertThat(missingVertex.value()).isEqualTo(5.0 / 6);
    assertThat(missingVertex.reason()).contains("vertex 3 is not colored");

    Reward outOfRange = score("{\"0\": 3, \"1\": 2, \"2\": 1, \"3\": 1}");
    assertThat(outOfRange.value()).isEqualTo(4.0 / 6);
    assertThat(outOfRange.reason()).contains("vertex 0 has no color in 1..2");
  }

  @Test
  void unknownVerticesAndNonObjectsAreHandled() {
    assertThat(score("{\"0\": 1, \"1\": 2, \"2\": 1, \"3\": 2, \"x\": 1}").correct())
        .as("keys that name no vertex are ignored")
        .isTrue();
    assertThat(score("{\"0\": 1, \"1\": 2, \"2\": 1, \"x\": 1}").reason())
        .contains("'x' is not a vertex");
    assertThat(score("[1, 2, 1, 2]").formatOk()).isFalse();
    assertThat(score("{\"0\": 1, \"0\": 2}").reason()).contains("Duplicate");
    assertThat(score("{0: 1}").formatOk()).isFalse();
  }

  @Test
  void reasoningGymScoringGivesAWrongColoringNoPartialCredit() {
    Map<String, Object> spec = new java.util.LinkedHashMap<>(problem.verifier());
    spec.put("scoring", GraphColorSpec.REASONING_GYM);
    Problem rg = new Problem("rg", "graph_color", Map.of(), "p", spec, null);
    java.util.function.Function<String, Reward> score =
        a -> family.score(rg, "<answer>" + a + "</answer>");

    Reward proper = score.apply("{\"0\": 1, \"1\": 2, \"2\": 1, \"3\": 2}");
    assertThat(proper.correct()).isTrue();
    assertThat(proper.value()).isEqualTo(1.0);
    Reward oneConflict = score.apply("{\"0\": 1, \"1\": 1, \"2\": 2, \"3\": 1}");
    assertThat(oneConflict.value()).isEqualTo(0.01);
    assertThat(oneConflict.correct()).isFalse();
    assertThat(oneConflict.reason()).contains("edge (0, 1) joins color 1");
    assertThat(score.apply("[1, 2, 1, 2]").value()).isEqualTo(0.01);
    assertThat(score.apply("7").value()).isZero();
    assertThat(score.apply("{0: 1}").value()).isZero();
    assertThat(family.score(rg, "no answer").value()).isZero();
  }

  @Test
  void theScoringKnobReachesTheVerifierAndIsChecked() {
    Problem p = family.generate(Map.of("vertices", 5, "scoring", "reasoning_gym"), 1, 0);
    assertThat(p.verifier()).containsEntry("scoring", "reasoning_gym");
    family.validate(p);
    Problem plain = family.generate(Map.of("vertices", 5), 1, 0);
    assertThat(plain.verifier()).doesNotContainKey("scoring");
    assertThat(plain.prompt()).isEqualTo(p.prompt());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> family.generate(Map.of("scoring", "binary"), 1, 0))
        .hasMessage(
            "graph_color difficulty.scoring: must be constraints or reasoning_gym, got binary");
    Map<String, Object> bad = new java.util.LinkedHashMap<>(plain.verifier());
    bad.put("scoring", "binary");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> family.validate(new Problem("b", "graph_color", Map.of(), "p", bad, null)))
        .hasMessage("verifier.scoring: must be constraints or reasoning_gym, got binary");
  }
}
