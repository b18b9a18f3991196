package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KnobsTest {
  private final TaskFamilies families = TaskFamilies.builtIn();

  @Test
  void overridesFromTheCommandLineKeepTheirTypes() {
    assertThat(Knobs.parse("a=3,b=0.4,c=1e-3,d=true,e=columns,f=+"))
        .containsExactly(
            Map.entry("a", 3),
            Map.entry("b", 0.4),
            Map.entry("c", 1e-3),
            Map.entry("d", true),
            Map.entry("e", "columns"),
            Map.entry("f", "+"));
    assertThat(Knobs.parse(null)).isEmpty();
    assertThatThrownBy(() -> Knobs.parse("vertices"))
        .hasMessage("difficulty: expected knob=value, got 'vertices'");
  }

  @Test
  void unknownKnobIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> families.get("countdown").generate(Map.of("numberz", 3), 1, 0))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessage(
            "countdown difficulty: unknown knob 'numberz'; known knobs: numbers, maxNumber,"
                + " minTarget, maxTarget");
  }

  @Test
  void knobOutOfRangeIsNamed() {
    assertThatThrownBy(() -> families.get("graph_color").generate(Map.of("vertices", 1), 1, 0))
        .hasMessage("graph_color difficulty.vertices: must lie in [2, 500], got 1");
    assertThatThrownBy(() -> families.get("graph_color").generate(Map.of("colors", "3"), 1, 0))
        .hasMessageContaining("graph_color difficulty.colors: expected an integer");
  }

  @Test
  void unknownFamilyListsTheKnownOnes() {
    assertThatThrownBy(() -> families.get("sudoku"))
        .hasMessage(
            "unknown task family 'sudoku'; known families: arithmetic, countdown, graph_color,"
                + " boxnet, instruction, stem_mcq, code");
  }

  @Test
  void resolvedKnobsAreRecordedInTheProblem() {
    Problem p = families.get("graph_color").generate(Map.of("vertices", 15), 1, 0);
    assertThat(p.difficulty())
        .containsEntry("vertices", 15)
        .containsEntry("colors", 3)
        .containsEntry("edgeProbability", 0.4);
    assertThat(families.get("boxnet").heldOutByDefault()).isTrue();
    assertThat(families.get("countdown").heldOutByDefault()).isFalse();
  }
}
