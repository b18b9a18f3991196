package io.prorl.tasks;

/**
 * The one answer convention of every family.
 *
 * <ol>
 *   <li>If the completion contains {@code </think>}, only the text after the last one is searched
 *       (reasoning before it is never graded).
 *   <li>The answer is the content of the last {@code <answer>...</answer>} block.
 *   <li>Without one, it is the content of the last {@code \boxed{...}}, braces balanced (nested
 *       braces such as {@code \boxed{\frac{3}{4}}} are kept whole).
 *   <li>Otherwise there is no answer: a format failure, never an exception.
 * </ol>
 *
 * <p>Runs in time linear in the completion's length; answers longer than {@link #MAX_ANSWER_CHARS}
 * are refused.
 */
public final class AnswerExtractor {
  public static final int MAX_ANSWER_CHARS = 100_000;

  private static final String THINK_END = "</think>";
  private static final String OPEN = "<answer>";
  private static final String CLOSE = "</answer>";
  private static final String BOXED = "\\boxed{";

  private AnswerExtractor() {}

  public static Answer extract(String completion) {
    if (completion == null || completion.isBlank()) {
      return Answer.missing("empty completion");
    }
    int thinkEnd = completion.lastIndexOf(THINK_END);
    int from = thinkEnd < 0 ? 0 : thinkEnd + THINK_END.length();

    int close = completion.lastIndexOf(CLOSE);
    if (close >= from) {
      int open = completion.lastIndexOf(OPEN, close);
      if (open >= from) {
        return bounded(completion.substring(open + OPEN.length(), close));
      }
    }
    int boxed = completion.lastIndexOf(BOXED);
    if (boxed >= from) {
      int start = boxed + BOXED.length();
      int depth = 1;
      for (int i = start; i < completion.length(); i++) {
        char c = completion.charAt(i);
        if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          return bounded(completion.substring(start, i));
        }
      }
      return Answer.missing("unbalanced braces after the last \\boxed{");
    }
    return Answer.missing(
        thinkEnd < 0
            ? "no <answer>...</answer> block and no \\boxed{...} found"
            : "no <answer>...</answer> block and no \\boxed{...} found after </think>");
  }

  /**
   * The answer folded to ASCII ({@link AsciiAnswer}), for numeric, expression and letter answers; a
   * missing answer or an unfoldable character is a failure with its reason.
   */
  public static Answer extractAscii(String completion) {
    Answer answer = extract(completion);
    return answer.isFound() ? AsciiAnswer.fold(answer.text()) : answer;
  }

  private static Answer bounded(String raw) {
    if (raw.length() > MAX_ANSWER_CHARS) {
      return Answer.missing(
          "answer is " + raw.length() + " characters long, over the limit of " + MAX_ANSWER_CHARS);
    }
    String text = raw.strip();
    return text.isEmpty() ? Answer.missing("the answer block is empty") : Answer.found(text);
  }
}
