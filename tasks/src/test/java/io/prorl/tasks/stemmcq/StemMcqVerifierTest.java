package io.prorl.tasks.stemmcq;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StemMcqVerifierTest {
  private final StemMcqFamily family = new StemMcqFamily();
  private final Problem problem =
      new Problem(
          "t",
          "stem_mcq",
          Map.of(),
          "p",
          Map.of("options", List.of("1 J", "2 J", "3 J", "4 J"), "answer", "C"),
          null);

  private Reward score(String answer) {
    return family.score(problem, "<answer>" + answer + "</answer>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"C", "c", "(C)", "C)", "C.", "**C**", "C) 3 J", "3 J", "\uFF23", "[C]"})
  void spellingsOfTheRightOptionAreCorrect(String answer) {
    assertThat(score(answer).correct()).as(score(answer).reason()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "(B)", "D) 4 J", "1 J"})
  void otherOptionsAreWrong(String answer) {
    Reward r = score(answer);
    assertThat(r.value()).isZero();
    assertThat(r.formatOk()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"A or C", "E", "CD", "\u0421", "option", "3"})
  void ambiguousOrUnknownAnswersAreFormatFailures(String answer) {
    Reward r = score(answer);
    assertThat(r.formatOk()).as(answer).isFalse();
    assertThat(r.value()).isZero();
  }

  /**
   * LaTeX and spacing the field's verifiers strip before comparing (the MATH normaliser's
   * strip_string: \\text, \\textbf, $...$, spacing commands; Math-Verify reads 3.0 as 3).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\\text{C}",
        "\\textbf{C}",
        "\\textbf{(C)}",
        "$C$",
        "\\(C\\)",
        "\\mathrm{C}",
        "3\\,\\text{J}",
        "3 \\mathrm{J}",
        "3.0 J",
        "3.00  J",
        "$3$ J"
      })
  void latexSpellingsOfTheRightOptionAreCorrect(String answer) {
    assertThat(score(answer).correct()).as(score(answer).reason()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"3 kJ", "3.1 J", "30 J"})
  void theSameNumberWithAnotherUnitOrAnotherNumberIsNoOption(String answer) {
    assertThat(score(answer).formatOk()).as(answer).isFalse();
  }
}
