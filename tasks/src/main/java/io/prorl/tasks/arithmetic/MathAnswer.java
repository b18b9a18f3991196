package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fraction;
import io.prorl.tasks.LatexAnswer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a math answer as an exact rational, accepting the notations the field's math verifiers
 * accept (Math-Verify; the MATH normaliser {@code strip_string}). The LaTeX dress comes off first
 * ({@link LatexAnswer}); then:
 *
 * <ul>
 *   <li>fractions: {@code 3/4}, {@code \frac{3}{4}}, {@code \dfrac34}, {@code 0.75}, {@code 6/8};
 *       {@code -0} is {@code 0};
 *   <li>mixed numbers: {@code 4 4/9} and {@code 4\frac{4}{9}} are {@code 40/9}, {@code -4 4/9} is
 *       {@code -40/9}; the fraction must be proper ({@code 11 7/6} is refused), and only spaces
 *       join the parts ({@code (11) 4/9}, {@code 11.0 4/9} or a line break do not);
 *   <li>thousands: {@code 1,000}, {@code 1{,}000}, {@code 1\,000} and {@code 1 000} (groups of
 *       three digits only); other digits separated by spaces are refused, not joined;
 *   <li>a percentage is its value: {@code 28%}, {@code 28\%}, {@code 28 percent} are {@code 7/25}
 *       (as Math-Verify reads them; the MATH normaliser drops the sign instead, which would make
 *       {@code 75%} equal {@code 75});
 *   <li>text around the number: a variable and {@code =} before it ({@code x = 5}), units or words
 *       of two letters or more after it ({@code 5 \text{ cm}}, {@code 12 dollars}); a single letter
 *       after a number is a variable ({@code 5x}), not a unit, and is refused;
 *   <li>{@code $}, one pair of enclosing parentheses or braces and a trailing period are ignored.
 * </ul>
 *
 * <p>Answers stay exact: {@code 0.333} is not {@code 1/3}, where a numeric tolerance would accept
 * it.
 */
public final class MathAnswer {
  private static final Pattern FRAC =
      Pattern.compile("^([+-]?)\\\\frac\\{([^{}]+)\\}\\{([^{}]+)\\}$");
  private static final Pattern NUMBER =
      Pattern.compile("^[+-]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)?(?:\\.\\d+)?$");
  private static final Pattern EQUATION = Pattern.compile("^[A-Za-z]{1,2}\\s*=\\s*(.+)$");
  private static final Pattern PERCENT = Pattern.compile("^(.*?)\\s*(?:%|percentage|percent|pct)$");
  private static final Pattern UNIT = Pattern.compile("^(.*[\\d}])(?:\\s*[A-Za-z]{2,}\\.?)+$");
  private static final Pattern MIXED_SLASH =
      Pattern.compile("^([+-]?)(\\d{1,3}(?: \\d{3})+|\\d+)[ \\t]+(\\d+)\\s*/\\s*(\\d+)$");
  private static final Pattern MIXED_FRAC =
      Pattern.compile("^([+-]?)(\\d+)[ \\t]*\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}$");
  private static final Pattern SPACED_THOUSANDS =
      Pattern.compile("^[+-]?\\d{1,3}(?: \\d{3})+(?:\\.\\d+)?$");
  private static final Pattern DIGITS_APART = Pattern.compile("\\d\\s+\\d");
  private static final Fraction HUNDRED = Fraction.of(100);

  private MathAnswer() {}

  /**
   * @throws NumberFormatException with a reason when the text is no number
   */
  public static Fraction parse(String raw) {
    String s = LatexAnswer.unwrap(raw);
    if (s.startsWith("\\boxed{") && s.endsWith("}")) {
      s = s.substring("\\boxed{".length(), s.length() - 1).strip();
    }
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    Matcher equation = EQUATION.matcher(s);
    if (equation.matches()) {
      s = equation.group(1).strip();
    }
    Matcher percent = PERCENT.matcher(s);
    boolean isPercent = percent.matches();
    if (isPercent) {
      s = percent.group(1).strip();
    }
    Matcher unit = UNIT.matcher(s);
    if (unit.matches()) {
      s = unit.group(1).strip();
    }
    Fraction value = mixedOrExact(s);
    return isPercent ? value.dividedBy(HUNDRED) : value;
  }

  private static Fraction mixedOrExact(String s) {
    Matcher m = MIXED_SLASH.matcher(s);
    if (!m.matches()) {
      m = MIXED_FRAC.matcher(s);
    }
    if (m.matches()) {
      Fraction whole = number(m.group(2).replace(" ", ""));
      Fraction num = number(m.group(3));
      Fraction den = number(m.group(4));
      if (den.num() == 0 || num.compareTo(den) >= 0) {
        throw new NumberFormatException(
            "'" + abbreviate(s) + "' is not a mixed number: its fraction must be proper");
      }
      Fraction v = whole.plus(num.dividedBy(den));
      return m.group(1).equals("-") ? Fraction.ZERO.minus(v) : v;
    }
    if (SPACED_THOUSANDS.matcher(s).matches()) {
      s = s.replace(" ", "");
    }
    if (DIGITS_APART.matcher(s).find()) {
      throw new NumberFormatException(
          "'" + abbreviate(s) + "' has numbers separated by spaces: one number is expected");
    }
    return exact(s);
  }

  private static Fraction exact(String raw) {
    String s = clean(raw);
    Matcher frac = FRAC.matcher(s);
    if (frac.matches()) {
      Fraction f = number(frac.group(2)).dividedBy(number(frac.group(3)));
      return frac.group(1).equals("-") ? Fraction.ZERO.minus(f) : f;
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      if (s.indexOf('/', slash + 1) >= 0) {
        throw new NumberFormatException("more than one '/' in '" + abbreviate(s) + "'");
      }
      Fraction denominator = number(s.substring(slash + 1));
      if (denominator.num() == 0) {
        throw new NumberFormatException("zero denominator in '" + abbreviate(s) + "'");
      }
      return number(s.substring(0, slash)).dividedBy(denominator);
    }
    return number(s);
  }

  private static String clean(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() && ",!; ".indexOf(raw.charAt(i + 1)) >= 0) {
        i++; // LaTeX spacing: \, \! \; and "\ "
      } else if (c != '$' && !Character.isWhitespace(c)) {
        b.append(c);
      }
    }
    String s = b.toString();
    if (s.startsWith("\\boxed{") && s.endsWith("}")) {
      s = s.substring("\\boxed{".length(), s.length() - 1);
    }
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.length() >= 2
        && ((s.charAt(0) == '(' && s.endsWith(")")) || (s.charAt(0) == '{' && s.endsWith("}")))) {
      s = s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static Fraction number(String s) {
    if (s.isEmpty() || s.equals("+") || s.equals("-") || !NUMBER.matcher(s).matches()) {
      throw new NumberFormatException("'" + abbreviate(s) + "' is not a number");
    }
    if (s.length() > 40) {
      throw new NumberFormatException("number '" + abbreviate(s) + "' is too long");
    }
    try {
      return Fraction.ofDecimal(s.replace(",", ""));
    } catch (ArithmeticException e) {
      throw new NumberFormatException("number '" + abbreviate(s) + "' is out of range");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
