package io.prorl.tasks.boxnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoxNetVerifierTest {
  private final BoxNetFamily family = new BoxNetFamily();
  private final Problem problem =
      new Problem(
          "t",
          "boxnet",
          Map.of(),
          "p",
          Map.of(
              "rows",
              1,
              "cols",
              3,
              "boxes",
              List.of(
                  Map.of("name", "red", "at", List.of(0, 0), "target", List.of(0, 1)),
                  Map.of("name", "blue", "at", List.of(0, 2), "target", List.of(0, 1)))),
          null);

  private Reward score(String plan) {
    return family.score(problem, "<answer>" + plan + "</answer>");
  }

  private static String move(int col, String box, String to) {
    return "{\"agent\": [0, " + col + "], \"box\": \"" + box + "\", \"to\": " + to + "}";
  }

  @Test
  void aPlanDeliveringEveryBoxGetsFullCredit() {
    String plan =
        "[["
            + move(0, "red", "[0, 1]")
            + ", "
            + move(2, "blue", "[0, 1]")
            + "], ["
            + move(1, "red", "\"target\"")
            + "], ["
            + move(1, "blue", "\"target\"")
            + "]]";
    assertThat(score(plan).correct()).as(score(plan).reason()).isTrue();
  }

  @Test
  void oneAgentCannotActTwiceInAStep() {
    String plan =
        "[["
            + move(0, "red", "[0, 1]")
            + ", "
            + move(2, "blue", "[0, 1]")
            + "], ["
            + move(1, "red", "\"target\"")
            + ", "
            + move(1, "blue", "\"target\"")
            + "]]";
    Reward r = score(plan);
    assertThat(r.value()).isEqualTo(0.5);
    assertThat(r.reason()).contains("step 2, action 2: the agent already acted in this step");
  }

  @Test
  void illegalMovesStopTheSimulation() {
    assertThat(score("[[" + move(1, "red", "[0, 2]") + "]]").reason())
        .contains("box red is not in the agent's cell");
    assertThat(score("[[" + move(0, "red", "[0, 2]") + "]]").reason())
        .contains("'to' must be \"target\" or an adjacent cell");
    assertThat(score("[[" + move(0, "red", "\"target\"") + "]]").reason())
        .contains("the target of red is not in this cell");
    assertThat(score("[[" + move(0, "green", "[0, 1]") + "]]").reason()).contains("no box 'green'");
  }

  @Test
  void aParsedPlanGetsTheFloorAndNoJsonIsAFormatFailure() {
    assertThat(score("[]").value()).isEqualTo(0.05);
    assertThat(score("{\"steps\": []}").value()).isEqualTo(0.05);
    assertThat(score("move red right").formatOk()).isFalse();
    assertThat(score("move red right").value()).isZero();
  }
}
