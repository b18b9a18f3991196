package io.prorl.engine.report;

import io.prorl.engine.rl.StepMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one RL step that the training curves plot. A value may be NaN when the step did
 * not log it (the line skips it); infinities are rejected.
 *
 * @param globalStep step number over the whole run, from 1 (phases do not restart it)
 * @param phase the phase the step belongs to (the span between two reference resets), from 0
 * @param rewardMean mean reward over every sampled response
 * @param accuracy share of sampled responses with full credit
 * @param entropy mean per-token entropy of the policy on the trained tokens, nats
 * @param kl mean k3 KL to the reference on the trained tokens, nats
 * @param clipFractionLow share of tokens where the lower clip bound (1 - eps_low) binds
 * @param clipFractionHigh share of tokens where the upper clip bound (1 + eps_high) binds
 * @param responseLengthMean mean response length in tokens
 * @param keptFraction share of sampled groups kept by dynamic sampling
 * @param validation the validation blend (mean per-family pass@1) checked after this step, NaN for
 *     a step without a check
 */
public record StepPoint(
    int globalStep,
    int phase,
    double rewardMean,
    double accuracy,
    double entropy,
    double kl,
    double clipFractionLow,
    double clipFractionHigh,
    double responseLengthMean,
    double keptFraction,
    double surrogateGain,
    double validation) {

  public StepPoint {
    List<String> violations =
        violations(
            globalStep,
            phase,
            new double[] {
              rewardMean,
              accuracy,
              entropy,
              kl,
              clipFractionLow,
              clipFractionHigh,
              responseLengthMean,
              keptFraction,
              surrogateGain,
              validation
            });
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "step point (global step " + globalStep + "): " + String.join("; ", violations));
    }
  }

  /** A step without a validation check or a surrogate gain. */
  public StepPoint(
      int globalStep,
      int phase,
      double rewardMean,
      double accuracy,
      double entropy,
      double kl,
      double clipFractionLow,
      double clipFractionHigh,
      double responseLengthMean,
      double keptFraction) {
    this(
        globalStep,
        phase,
        rewardMean,
        accuracy,
        entropy,
        kl,
        clipFractionLow,
        clipFractionHigh,
        responseLengthMean,
        keptFraction,
        Double.NaN,
        Double.NaN);
  }

  /** This step with the surrogate's gain. */
  public StepPoint withSurrogateGain(double gain) {
    return new StepPoint(
        globalStep,
        phase,
        rewardMean,
        accuracy,
        entropy,
        kl,
        clipFractionLow,
        clipFractionHigh,
        responseLengthMean,
        keptFraction,
        gain,
        validation);
  }

  /** This step with the validation check that followed it. */
  public StepPoint withValidation(double blend) {
    return new StepPoint(
        globalStep,
        phase,
        rewardMean,
        accuracy,
        entropy,
        kl,
        clipFractionLow,
        clipFractionHigh,
        responseLengthMean,
        keptFraction,
        surrogateGain,
        blend);
  }

  /**
   * The plotted figures of {@code metrics}, a step of phase {@code phase} at {@code globalStep}.
   */
  public static StepPoint of(int globalStep, int phase, StepMetrics metrics) {
    return new StepPoint(
            globalStep,
            phase,
            metrics.rewardMean(),
            metrics.accuracy(),
            metrics.entropy(),
            metrics.kl(),
            metrics.clipFractionLow(),
            metrics.clipFractionHigh(),
            metrics.responseLengthMean(),
            metrics.keptFraction())
        .withSurrogateGain(metrics.surrogateGain());
  }

  private static final String[] VALUE_FIELDS = {
    "rewardMean",
    "accuracy",
    "entropy",
    "kl",
    "clipFractionLow",
    "clipFractionHigh",
    "responseLengthMean",
    "keptFraction",
    "surrogateGain",
    "validation"
  };

  /**
   * What is wrong with a step point, each message naming the field; empty when valid.
   *
   * @param values the figures in the record's order, rewardMean to validation
   */
  public static List<String> violations(int globalStep, int phase, double[] values) {
    List<String> violations = new ArrayList<>();
    if (globalStep < 1) {
      violations.add("globalStep must be >= 1, got " + globalStep);
    }
    if (phase < 0) {
      violations.add("phase must be >= 0, got " + phase);
    }
    for (int i = 0; i < values.length; i++) {
      if (Double.isInfinite(values[i])) {
        violations.add(VALUE_FIELDS[i] + " must be finite (NaN when missing), got " + values[i]);
      }
    }
    return violations;
  }
}
