package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Fraction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a math answer as an exact rational. Equivalent spellings read the same: {@code 3/4}, {@code
 * 0.75}, {@code \frac{3}{4}}, {@code \dfrac{3}{4}}; {@code -0} is {@code 0}; {@code 1,000} is
 * {@code 1000} (groups of three digits only); spaces, {@code $} signs, LaTeX thin spaces, one pair
 * of enclosing parentheses or braces and a trailing period are ignored.
 */
public final class MathAnswer {
  private static final Pattern FRAC =
      Pattern.compile("^([+-]?)\\\\[dt]?frac\\{([^{}]+)\\}\\{([^{}]+)\\}$");
  private static final Pattern NUMBER =
      Pattern.compile("^[+-]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)?(?:\\.\\d+)?$");

  private MathAnswer() {}

  /**
   * @throws NumberFormatException with a reason when the text is no number
   */
  public static Fraction parse(String raw) {
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
