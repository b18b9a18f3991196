package io.prorl.tasks.code;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;

/**
 * The code family's answer: the last fenced {@code ```python} block, after the last {@code
 * </think>} when there is one (reasoning before it is never run). An unclosed last block is a
 * format failure, not a program.
 */
public final class CodeAnswer {
  static final String OPEN = "```python";
  private static final String FENCE = "```";
  private static final String THINK_END = "</think>";

  private CodeAnswer() {}

  public static Answer extract(String completion) {
    if (completion == null || completion.isBlank()) {
      return Answer.missing("empty completion");
    }
    int thinkEnd = completion.lastIndexOf(THINK_END);
    int from = thinkEnd < 0 ? 0 : thinkEnd + THINK_END.length();
    int open = completion.lastIndexOf(OPEN);
    if (open < from) {
      return Answer.missing(
          "no ```python code block found" + (thinkEnd < 0 ? "" : " after </think>"));
    }
    int bodyStart = completion.indexOf('\n', open);
    if (bodyStart < 0) {
      return Answer.missing("the last ```python block is not closed");
    }
    int close = completion.indexOf(FENCE, bodyStart + 1);
    if (close < 0) {
      return Answer.missing("the last ```python block is not closed");
    }
    String program = completion.substring(bodyStart + 1, close);
    if (program.length() > AnswerExtractor.MAX_ANSWER_CHARS) {
      return Answer.missing(
          "the program is "
              + program.length()
              + " characters long, over the limit of "
              + AnswerExtractor.MAX_ANSWER_CHARS);
    }
    return program.isBlank()
        ? Answer.missing("the ```python block is empty")
        : Answer.found(program);
  }
}
