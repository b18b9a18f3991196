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
}
