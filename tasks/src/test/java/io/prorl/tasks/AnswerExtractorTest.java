package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerExtractorTest {

  @Test
  void takesTheLastAnswerBlock() {
    assertThat(AnswerExtractor.extract("<answer>1</answer> then <answer> 2 </answer>").text())
        .isEqualTo("2");
  }

  @Test
  void answerTagsWinOverBoxed() {
    assertThat(AnswerExtractor.extract("\\boxed{1} <answer>2</answer> \\boxed{3}").text())
        .isEqualTo("2");
  }

  @Test
  void boxedKeepsNestedBraces() {
    assertThat(AnswerExtractor.extract("so \\boxed{\\frac{3}{4}} done").text())
        .isEqualTo("\\frac{3}{4}");
  }

  @Test
  void onlyTextAfterTheLastThinkEndIsGraded() {
    assertThat(AnswerExtractor.extract("<answer>1</answer></think>\\boxed{2}").text())
        .isEqualTo("2");
    assertThat(AnswerExtractor.extract("<answer>1</answer></think>nothing").failure())
        .contains("after </think>");
  }

  @Test
  void missingUnbalancedEmptyAndOversizedAnswersAreFailuresWithReasons() {
    assertThat(AnswerExtractor.extract(null).failure()).isEqualTo("empty completion");
    assertThat(AnswerExtractor.extract("42").failure()).contains("no <answer>");
    assertThat(AnswerExtractor.extract("\\boxed{4").failure()).contains("unbalanced");
    assertThat(AnswerExtractor.extract("<answer> </answer>").failure()).contains("empty");
    String big = "<answer>" + "1".repeat(AnswerExtractor.MAX_ANSWER_CHARS + 1) + "</answer>";
    assertThat(AnswerExtractor.extract(big).failure()).contains("over the limit");
  }

  @Test
  void asciiFoldingKeepsCompatibilityFormsAndRefusesLookAlikes() {
    assertThat(AsciiAnswer.fold("\uFF13/\uFF14").text()).isEqualTo("3/4");
    assertThat(AsciiAnswer.fold("\u22123").text()).isEqualTo("-3");
    assertThat(AsciiAnswer.fold("\u0410").failure()).contains("U+0410");
  }
}
