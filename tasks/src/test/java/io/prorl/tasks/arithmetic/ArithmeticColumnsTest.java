package io.prorl.tasks.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code operations} and {@code worked} knobs: two-term sums worked out column by column. */
class ArithmeticColumnsTest {
  private static final TaskFamily ARITHMETIC = TaskFamilies.builtIn().get(ArithmeticFamily.NAME);
  private static final Map<String, Object> COLUMNS =
      Map.of(
          "terms", 2, "maxOperand", 99, "operations", "+", "division", false, "worked", "columns");

  @Test
  void aColumnSumWritesOneLinePerColumnWithItsCarry() {
    assertThat(solve("58 + 67"))
        .isEqualTo("8 + 7 = 15\n5 + 6 + 1 = 12\nThe value is 125.\n\\boxed{125}");
    assertThat(solve("47 + 8"))
        .isEqualTo("7 + 8 = 15\n4 + 0 + 1 = 5\nThe value is 55.\n\\boxed{55}");
    assertThat(solve("3 + 4")).isEqualTo("3 + 4 = 7\nThe value is 7.\n\\boxed{7}");
  }

  @Test
  void everyGeneratedColumnSolutionIsGradedCorrectAndOnlyUsesOneDigitSums() {
    Set<String> prompts = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      Problem p = ARITHMETIC.generate(COLUMNS, 7, i);
      assertThat(ArithmeticSpec.of(p).expression()).matches("\\d{1,2} \\+ \\d{1,2}");
      String solution = ARITHMETIC.solve(p).completion();
      Reward r = ARITHMETIC.score(p, solution);
      assertThat(r.correct()).as("%s\n%s", p.prompt(), solution).isTrue();
      for (String line : solution.split("\n")) {
        if (line.contains(" = ")) {
          assertThat(line).matches("\\d \\+ \\d( \\+ 1)? = \\d{1,2}");
        }
      }
      prompts.add(p.prompt());
    }
    assertThat(prompts)
        .as("two-digit sums leave room for distinct problems")
        .hasSizeGreaterThan(280);
  }

  @Test
  void theDefaultsDrawTheSameExpressionsAsBeforeTheKnobsExisted() {
    // pinned before operations/worked were added: the random stream is unchanged
    assertThat(expression(Map.of(), 0)).isEqualTo("13 / 17 * 2");
    assertThat(expression(Map.of(), 2)).isEqualTo("10 * 11 + 17");
    Map<String, Object> quickstart = Map.of("terms", 2, "maxOperand", 9, "division", false);
    assertThat(expression(quickstart, 0)).isEqualTo("6 + 5");
    assertThat(expression(quickstart, 1)).isEqualTo("3 * 5");
    assertThat(expression(quickstart, 2)).isEqualTo("9 - 1");
  }

  @Test
  void operationsLimitTheOperators() {
    for (int i = 0; i < 50; i++) {
      assertThat(expression(Map.of("operations", "-*", "division", false), i)).doesNotContain("+");
    }
  }

  @Test
  void columnsRefuseWhatTheyCannotWorkOutNamingTheKnob() {
    Map<String, Object> threeTerms = new LinkedHashMap<>(COLUMNS);
    threeTerms.put("terms", 3);
    assertThatThrownBy(() -> ARITHMETIC.generate(threeTerms, 1, 0))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessageContaining("arithmetic difficulty.worked: columns works out two-term sums only")
        .hasMessageContaining("got terms 3");
    Map<String, Object> withDivision = new LinkedHashMap<>(COLUMNS);
    withDivision.put("division", true);
    assertThatThrownBy(() -> ARITHMETIC.generate(withDivision, 1, 0))
        .hasMessageContaining("operations +/");
    assertThatThrownBy(() -> ARITHMETIC.generate(Map.of("operations", "+/"), 1, 0))
        .hasMessageContaining("arithmetic difficulty.operations: must be one of");
  }

  private static String solve(String expression) {
    Problem p =
        new Problem(
            "t",
            ArithmeticFamily.NAME,
            COLUMNS,
            ArithmeticGenerator.prompt(expression),
            new ArithmeticSpec(
                    expression,
                    io.prorl.tasks.expr.ExpressionParser.parse(expression, true).value())
                .toMap(),
            null);
    return ARITHMETIC.solve(p).completion();
  }

  private static String expression(Map<String, Object> knobs, int index) {
    return ArithmeticSpec.of(ARITHMETIC.generate(knobs, 1, index)).expression();
  }
}
