package io.prorl.tasks.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  /**
   * Notations the field's math verifiers accept, each with where it comes from: Math-Verify's tests
   * (huggingface/Math-Verify, tests/test_mixed_number_extraction.py) and the MATH normaliser
   * (strip_string in verl's verl/utils/reward_score/math.py, from lm-evaluation-harness). Columns:
   * the answer as written, the exact value it must equal.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Math-Verify, mixed numbers
        "4 4/9 | 40/9",
        "-4 4/9 | -40/9",
        "11 5/6 | 71/6",
        "+11 5/6 | 71/6",
        "0 4/9 | 4/9",
        "4 0/9 | 4",
        "1 000 4/9 | 9004/9",
        "4\\frac{4}{9} | 40/9",
        "4 \\frac{4}{9} | 40/9",
        // Math-Verify, percentages are their value
        "28% | 7/25",
        "4 4/9% | 40/900",
        "4 4/9 percent | 40/900",
        "4 4/9 percentage | 40/900",
        "4 4/9 pct | 40/900",
        "75\\% | 3/4",
        // Math-Verify, other syntax
        "10/2 | 5",
        "1 000 | 1000",
        "$5.00 | 5",
        // MATH normaliser: LaTeX wrappers and spacing
        "\\left( \\frac{3}{4} \\right) | 3/4",
        "\\displaystyle\\frac{3}{4} | 3/4",
        "\\frac34 | 3/4",
        "\\frac3{4} | 3/4",
        "\\frac{3}4 | 3/4",
        "\\(3/4\\) | 3/4",
        "\\text{3/4} | 3/4",
        "\\mathrm{3/4} | 3/4",
        "3\\;/\\;4 | 3/4",
        "3\\quad/\\quad4 | 3/4",
        // MATH normaliser: thousands, units, text, equations, degrees, currency
        "1{,}000 | 1000",
        "1\\,000 | 1000",
        "1\\!000 | 1000",
        "12 \\text{ cm} | 12",
        "12\\text{cm} | 12",
        "12 \\mbox{ dollars} | 12",
        "12 dollars | 12",
        "12 \\text{square units} | 12",
        "x = 12 | 12",
        "k=12 | 12",
        "90^\\circ | 90",
        "90^{\\circ} | 90",
        "\\$12 | 12",
        "\\$1{,}200.00 | 1200",
      })
  void notationsOfTheFieldsMathVerifiersAreRead(String answer, String value) {
    Reward r = family.score(problem("e", value.strip()), "\\boxed{" + answer.strip() + "}");
    assertThat(r.correct()).as("%s: %s", answer, r.reason()).isTrue();
  }

  /**
   * Where a value stays wrong or unread on purpose. Answers are exact (a decimal approximation is
   * wrong even where a verifier with a tolerance would accept it); a mixed number needs a proper
   * fraction and spaces only (Math-Verify's tests refuse the same); digits separated by spaces are
   * refused rather than read as the last number (Math-Verify reads {@code 4 4/9 2} as 2); a single
   * letter after a number is a variable, not a unit.
   */
  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.333 | 1/3 | wrong",
        "33.3% | 1/3 | wrong",
        "0.75% | 3/4 | wrong",
        "75 | 3/4 | wrong",
        "4 | 40/9 | wrong",
        "11 7/6 | 73/6 | unread",
        "11 6/6 | 12 | unread",
        "4 4/0 | 4 | unread",
        "(11) 4/9 | 103/9 | unread",
        "11.0 4/9 | 103/9 | unread",
        "4 4/9 2 | 2 | unread",
        "1 00 | 100 | unread",
        "5x | 5 | unread",
        // Math-Verify evaluates 4 + 4/9; here the task is to compute a value, and evaluating
        // would reward copying the question
        "4 + 4/9 | 40/9 | unread",
      })
  void valuesThatStayWrongOrUnread(String answer, String value, String verdict) {
    Reward r = family.score(problem("e", value.strip()), "\\boxed{" + answer.strip() + "}");
    assertThat(r.value()).as(r.reason()).isZero();
    assertThat(r.formatOk()).as(r.reason()).isEqualTo(verdict.strip().equals("wrong"));
  }

  @org.junit.jupiter.api.Test
  void aLineBreakDoesNotMakeAMixedNumber() {
    Reward r = family.score(problem("e", "71/6"), "\\boxed{11\n5/6}");
    assertThat(r.correct()).isFalse();
  }
}
