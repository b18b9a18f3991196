package io.prorl.tasks;

import java.util.regex.Pattern;

/**
 * Takes the LaTeX dress off an answer, as the field's math verifiers do before they compare
 * (Math-Verify's normalisation; the MATH normaliser {@code strip_string} in verl and
 * lm-evaluation-harness): delimiters {@code \( \) \[ \] $}, {@code \left} / {@code \right}, {@code
 * \displaystyle}, text wrappers ({@code \text{...}}, {@code \mathrm{...}}, {@code \mbox{...}} and
 * kin, whose content stays), spacing commands ({@code \, \; \: \quad ~}, which become a space;
 * {@code \!} disappears), {@code \dfrac} / {@code \tfrac} as {@code \frac}, {@code \frac12} as
 * {@code \frac{1}{2}}, {@code 1{,}000} as {@code 1,000}, {@code \%} as {@code %}, {@code \$} and
 * {@code ^\circ} dropped. Spaces stay (a mixed number {@code 4 4/9} needs them); what is left is
 * read by the family.
 */
public final class LatexAnswer {
  private static final Pattern TEXT_WRAPPER =
      Pattern.compile(
          "\\\\(?:text|textrm|textbf|textit|mathrm|mathbf|mathit|mbox|operatorname)\\{([^{}]*)\\}");
  private static final Pattern SPACING = Pattern.compile("\\\\(?:qquad|quad|[,;: ])|~");
  private static final Pattern FRAC_DIGIT_DIGIT = Pattern.compile("\\\\frac(\\d)(\\d)");
  private static final Pattern FRAC_DIGIT_BRACE = Pattern.compile("\\\\frac(\\d)\\{");
  private static final Pattern FRAC_BRACE_DIGIT = Pattern.compile("\\\\frac\\{([^{}]+)\\}(\\d)");
  private static final Pattern LEFT_RIGHT = Pattern.compile("\\\\(?:left|right)(?![a-zA-Z])");

  private LatexAnswer() {}

  public static String unwrap(String raw) {
    String s = raw;
    s = s.replace("\\displaystyle", "");
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac");
    s = LEFT_RIGHT.matcher(s).replaceAll("");
    s = s.replace("\\(", "").replace("\\)", "").replace("\\[", "").replace("\\]", "");
    s = s.replace("\\$", "").replace("$", "");
    s = s.replace("^{\\circ}", "").replace("^\\circ", "");
    s = s.replace("{,}", ",").replace("\\%", "%").replace("\\!", "");
    // wrappers may nest one level (\text{\textbf{5}}): unwrap until nothing changes
    String before;
    do {
      before = s;
      s = TEXT_WRAPPER.matcher(s).replaceAll(" $1 ");
    } while (!s.equals(before));
    s = SPACING.matcher(s).replaceAll(" ");
    s = FRAC_DIGIT_DIGIT.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    s = FRAC_DIGIT_BRACE.matcher(s).replaceAll("\\\\frac{$1}{");
    s = FRAC_BRACE_DIGIT.matcher(s).replaceAll("\\\\frac{$1}{$2}");
    return s.strip();
  }
}
