package io.prorl.engine.job;

import java.time.Duration;

/**
 * What a whole run may spend, across its phases: phases follow one another (each after a reference
 * reset) until the budget is spent or a phase reached the validation target.
 *
 * @param maxSteps RL steps of all phases together (0 = no limit)
 * @param maxDuration wall time since the run's first checkpoint (null = no limit)
 */
public record RunBudget(int maxSteps, Duration maxDuration) {
  public static final RunBudget NONE = new RunBudget(0, null);

  public RunBudget {
    if (maxSteps < 0) {
      throw new IllegalArgumentException(
          "runMaxSteps must be >= 0 (0 = no limit), got " + maxSteps);
    }
    if (maxDuration != null && maxDuration.isNegative()) {
      throw new IllegalArgumentException("runMaxDuration must not be negative, got " + maxDuration);
    }
  }

  /** Why a run is done. */
  public enum RunStopReason {
    /** The run's step budget is spent. */
    RUN_MAX_STEPS,
    /** The run's time budget is spent. */
    RUN_MAX_DURATION,
    /** A phase's validation reached the target. */
    VALIDATION_TARGET
  }
}
