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
 */
public record LossConfig(
    double epsLow, double epsHigh, double klCoef, double entropyCoef, Aggregation aggregation) {

  /** How per-token terms become one number. */
  public enum Aggregation {
    TOKEN,
    SEQUENCE
  }

  public LossConfig {
    if (!(epsLow > 0 && epsLow < 1)) {
      throw new IllegalArgumentException("epsLow must lie in (0, 1), got " + epsLow);
    }
    if (!(epsHigh > 0)) {
      throw new IllegalArgumentException("epsHigh must be positive, got " + epsHigh);
    }
    if (epsHigh < epsLow) {
      throw new IllegalArgumentException(
          "epsHigh (" + epsHigh + ") must be >= epsLow (" + epsLow + "): clip-higher");
    }
    if (!(klCoef >= 0)) {
      throw new IllegalArgumentException("klCoef must be >= 0, got " + klCoef);
    }
    if (!(entropyCoef >= 0)) {
      throw new IllegalArgumentException("entropyCoef must be >= 0, got " + entropyCoef);
    }
  }

  /** The paper's values for real models: eps 0.2 / 0.4, beta 1e-4, token-level. */
  public static LossConfig prorl() {
    return new LossConfig(0.2, 0.4, 1e-4, 0.0, Aggregation.TOKEN);
  }
}
