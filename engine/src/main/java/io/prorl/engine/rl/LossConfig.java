package io.prorl.engine.rl;

/**
 * The knobs of the GRPO/DAPO objective, with ProRL's names.
 *
 * @param epsLow lower clip range: ratio >= 1 - epsLow (paper 0.2)
 * @param epsHigh upper clip range, decoupled: ratio <= 1 + epsHigh (paper 0.4)
 * @param klCoef beta, the weight of KL(pi_theta || pi_ref) (k3 estimator); 0 skips the reference
 * @param entropyCoef weight of an entropy bonus (0 = off)
 * @param aggregation TOKEN (DAPO: every token of the batch weighs the same) or SEQUENCE (GRPO: each
 *     response weighs the same)
 * @param clipRatioC dual clip (verl's {@code clip_ratio_c}): the loss of a negative-advantage token
 *     is at most {@code -A * clipRatioC}, so a token whose ratio ran far above 1 cannot push the
 *     policy with an unbounded weight; must exceed 1 (verl's default 3), 0 turns it off
 */
public record LossConfig(
    double epsLow,
    double epsHigh,
    double klCoef,
    double entropyCoef,
    Aggregation aggregation,
    double clipRatioC) {

  /** verl's {@code clip_ratio_c}. */
  public static final double DEFAULT_CLIP_RATIO_C = 3.0;

  /** The objective with the dual clip at its default ({@link #DEFAULT_CLIP_RATIO_C}). */
  public LossConfig(
      double epsLow, double epsHigh, double klCoef, double entropyCoef, Aggregation aggregation) {
    this(epsLow, epsHigh, klCoef, entropyCoef, aggregation, DEFAULT_CLIP_RATIO_C);
  }

  /** This objective with the dual clip at {@code c} (0 = off). */
  public LossConfig withClipRatioC(double c) {
    return new LossConfig(epsLow, epsHigh, klCoef, entropyCoef, aggregation, c);
  }

  /** How per-token terms become one number. */
  public enum Aggregation {
    TOKEN,
    SEQUENCE
  }

  /** This project's defaults for the tiny policy (DAPO's clip-higher 0.28, a light KL). */
  public static final LossConfig DEFAULTS = new LossConfig(0.2, 0.28, 1e-3, 0.0, Aggregation.TOKEN);

  public LossConfig {
    Rules.check(violations(epsLow, epsHigh, klCoef, entropyCoef, clipRatioC));
    if (aggregation == null) {
      throw new IllegalArgumentException("aggregation must be TOKEN or SEQUENCE, got null");
    }
  }

  /** The rules, for the constructor and for static checks (a null value is not known yet). */
  public static java.util.List<String> violations(
      Double epsLow, Double epsHigh, Double klCoef, Double entropyCoef, Double clipRatioC) {
    java.util.List<String> out = new java.util.ArrayList<>();
    Rules.between(out, "epsLow", epsLow, 0, 1);
    if (epsHigh != null && !(epsHigh > 0)) {
      out.add("epsHigh must be > 0, got " + Rules.fmt(epsHigh));
    }
    if (epsLow != null && epsHigh != null && epsHigh < epsLow) {
      out.add(
          "epsHigh ("
              + Rules.fmt(epsHigh)
              + ") must be >= epsLow ("
              + Rules.fmt(epsLow)
              + "): clip-higher");
    }
    Rules.atLeast(out, "klCoef", klCoef, 0);
    Rules.atLeast(out, "entropyCoef", entropyCoef, 0);
    if (clipRatioC != null && clipRatioC != 0 && !(clipRatioC > 1)) {
      out.add("clipRatioC must be > 1 (or 0 for no dual clip), got " + Rules.fmt(clipRatioC));
    }
    return out;
  }

  /** The paper's values for real models: eps 0.2 / 0.4, beta 1e-4, token-level. */
  public static LossConfig prorl() {
    return new LossConfig(0.2, 0.4, 1e-4, 0.0, Aggregation.TOKEN);
  }
}
