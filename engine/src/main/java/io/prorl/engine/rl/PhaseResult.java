package io.prorl.engine.rl;

import java.util.List;

/**
 * How a phase ended.
 *
 * @param stopReason why it stopped
 * @param resetRecommended whether the next phase should start with a reference reset (ProRL resets
 *     when validation stalls or KL runs away; a step or time limit says nothing either way)
 * @param steps RL steps done
 * @param history the metrics of every step
 * @param validations the validation blend after each validation point, in order
 * @param bestValidation the best validation blend seen (NaN without validation)
 * @param checkpoint URI of the phase-end checkpoint, or null when none was written
 * @param resumedFromStep the step a resumed phase continued after (0 when it started fresh)
 */
public record PhaseResult(
    StopReason stopReason,
    boolean resetRecommended,
    int steps,
    List<StepMetrics> history,
    List<Double> validations,
    double bestValidation,
    String checkpoint,
    int resumedFromStep) {

  /** Why a phase stopped. */
  public enum StopReason {
    MAX_STEPS,
    MAX_DURATION,
    PLATEAU,
    KL_LIMIT,
    NON_FINITE_LOSS,
    /** Validation reached the run's target: the run is done. */
    VALIDATION_TARGET
  }
}
