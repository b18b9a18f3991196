package io.prorl.tasks.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArithmeticVerifierTest {
  private final ArithmeticFamily family = new ArithmeticFamily();

  private static Problem problem(String expression, String answer) {
    return new Problem(
        "t", "arithmetic", Map.of(), "p", Map.of("expression", expression, "answer", answer), null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "3/4", "0.75", "\\frac{3}{4}", "\\dfrac{3}{4}", "\\tfrac{3}{4}", "$3/4$", " 3 / 4 ",
        "6/8", "(3/4)", "0.750", "\\frac{0.75}{1}", "\uFF13/\uFF14", "3/4.", "$\\frac{3}{4}$",
        ".75"
      })
  void spellingsOfThreeQuartersAreCorrect(String answer) {
    Reward r = family.score(problem("3 / 4", "3/4"), "\\boxed{" + answer + "}");
    assertThat(r.correct()).as(r.reason()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-3/4", "-0.75", "-\\frac{3}{4}", "\\frac{-3}{4}", "\u22123/4", "3/-4"})
  void negativeSpellingsAreCorrect(String answer) {
    Reward r = family.score(problem("0 - 3 / 4", "-3/4"), "<answer>" + answer + "</answer>");
    assertThat(r.correct()).as(r.reason()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1,000", "1000", "1000.0", " $1,000$ ", "1,000."})
  void thousandsSeparatorsAreRead(String answer) {
    assertThat(family.score(problem("10 * 100", "1000"), "\\boxed{" + answer + "}").correct())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-0", "0", "0.0", "+0"})
  void minusZeroIsZero(String answer) {
    assertThat(family.score(problem("3 - 3", "0"), "\\boxed{" + answer + "}").correct()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.7", "0.76", "4/3", "1", "-3/4", "0.7499999999"})
  void nearbyValuesAreWrong(String answer) {
    Reward r = family.score(problem("3 / 4", "3/4"), "\\boxed{" + answer + "}");
    assertThat(r.value()).isZero();
    assertThat(r.formatOk()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1,00", "3/0", "three quarters", "3//4", "x", "\u0410", "1/2/3", "1e3", "--3"})
  void nonNumbersAreFormatFailures(String answer) {
    Reward r = family.score(problem("3 / 4", "3/4"), "\\boxed{" + answer + "}");
    assertThat(r.formatOk()).as(r.reason()).isFalse();
    assertThat(r.reason()).isNotBlank();
  }
}
