package io.prorl.tasks.countdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CountdownVerifierTest {
  private final CountdownFamily family = new CountdownFamily();
  private final Problem problem =
      new Problem(
          "t",
          "countdown",
          Map.of(),
          "p",
          Map.of("numbers", List.of(25, 4, 3, 3), "target", 97),
          null);

  private Reward score(String answer) {
    return family.score(problem, "<answer>" + answer + "</answer>");
  }

  @Test
  void exactExpressionsWithGivenNumbersAreCorrect() {
    assertThat(score("25 * 4 - 3").correct()).isTrue();
    assertThat(score("(25*4)-3 = 97").correct()).isTrue();
    assertThat(score("25 \u00D7 4 \u2212 3").correct()).isTrue();
    assertThat(score("25 * 4 - 3 / 3 - 3 + 1 * 0 + 1").correct()).isFalse();
  }

  @Test
  void numbersMayBeUsedAsOftenAsGivenAndNoMore() {
    assertThat(score("25 * 4 - 3 * 3 + 3 + 3").reason()).contains("used more often");
    assertThat(score("25 * 3 + 3").reason()).contains("equals 78, not the target 97");
    assertThat(score("100 - 3").reason()).contains("100 is not among the given numbers");
  }

  @Test
  void wrongValueDivisionByZeroAndFractionsScoreZero() {
    assertThat(score("25 + 4").reason()).contains("equals 29, not the target 97");
    assertThat(score("25 / (3 - 3)").reason()).contains("division by zero");
    Reward fraction = score("25 / 4 * 3");
    assertThat(fraction.value()).isZero();
    assertThat(fraction.reason()).contains("75/4");
  }

  @Test
  void unreadableExpressionsAreFormatFailures() {
    assertThat(score("-3 + 100").reason()).contains("unary minus is not allowed");
    assertThat(score("25 * (4 - 3").reason()).contains("missing ')'");
    assertThat(score("2.5 * 4").reason()).contains("only integers");
    assertThat(score("25 ** 4").formatOk()).isFalse();
    assertThat(score("eval('97')").formatOk()).isFalse();
    assertThat(score("(".repeat(100) + "3" + ")".repeat(100)).reason()).contains("nesting");
  }
}
