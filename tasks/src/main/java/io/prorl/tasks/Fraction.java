package io.prorl.tasks;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact rational number {@code num / den} in lowest terms with {@code den > 0}. Arithmetic
 * throws {@link ArithmeticException} on overflow of {@code long} or division by zero.
 */
public record Fraction(long num, long den) implements Comparable<Fraction> {
  public static final Fraction ZERO = new Fraction(0, 1);

  public Fraction {
    if (den == 0) {
      throw new ArithmeticException("division by zero");
    }
    if (den < 0) {
      num = Math.negateExact(num);
      den = Math.negateExact(den);
    }
    long g = gcd(Math.abs(num), den);
    if (g > 1) {
      num /= g;
      den /= g;
    }
  }

  public static Fraction of(long n) {
    return new Fraction(n, 1);
  }

  /** Exact value of a decimal string such as {@code -0.75}. */
  public static Fraction ofDecimal(String decimal) {
    BigDecimal d = new BigDecimal(decimal);
    BigInteger unscaled = d.unscaledValue();
    int scale = d.scale();
    BigInteger den = BigInteger.ONE;
    if (scale > 0) {
      den = BigInteger.TEN.pow(scale);
    } else if (scale < 0) {
      unscaled = unscaled.multiply(BigInteger.TEN.pow(-scale));
    }
    BigInteger g = unscaled.gcd(den);
    if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
      unscaled = unscaled.divide(g);
      den = den.divide(g);
    }
    return new Fraction(unscaled.longValueExact(), den.longValueExact());
  }

  public Fraction plus(Fraction o) {
    return new Fraction(
        Math.addExact(Math.multiplyExact(num, o.den), Math.multiplyExact(o.num, den)),
        Math.multiplyExact(den, o.den));
  }

  public Fraction minus(Fraction o) {
    return plus(new Fraction(Math.negateExact(o.num), o.den));
  }

  public Fraction times(Fraction o) {
    return new Fraction(Math.multiplyExact(num, o.num), Math.multiplyExact(den, o.den));
  }

  public Fraction dividedBy(Fraction o) {
    if (o.num == 0) {
      throw new ArithmeticException("division by zero");
    }
    return new Fraction(Math.multiplyExact(num, o.den), Math.multiplyExact(den, o.num));
  }

  public boolean isInteger() {
    return den == 1;
  }

  @Override
  public int compareTo(Fraction o) {
    return BigInteger.valueOf(num)
        .multiply(BigInteger.valueOf(o.den))
        .compareTo(BigInteger.valueOf(o.num).multiply(BigInteger.valueOf(den)));
  }

  /** {@code 7}, {@code -3/4}. */
  @Override
  public String toString() {
    return den == 1 ? Long.toString(num) : num + "/" + den;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a == 0 ? 1 : a;
  }
}
