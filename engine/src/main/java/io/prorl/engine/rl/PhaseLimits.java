package io.prorl.engine.rl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When a phase (the span between two reference resets) ends.
 *
 * @param maxSteps stop after this many RL steps (a fixed reset schedule when nothing else stops the
 *     phase: ProRL v2 resets every N steps)
 * @param maxDuration stop when a step ends after this much wall time, or null for no limit
 * @param validateEvery validate every this many steps (0 = never; then no plateau stop)
 * @param patience stop after this many validations without a new best (plateau; 0 = off)
 * @param maxKl stop when the mean KL to the reference exceeds this (0 = off)
 * @param validationTarget stop when a validation reaches this blend (0 = off): the run is done
 */
public record PhaseLimits(
    int maxSteps,
    Duration maxDuration,
    int validateEvery,
    int patience,
    double maxKl,
    double validationTarget) {

  public static final PhaseLimits DEFAULTS = new PhaseLimits(10, null, 0, 0, 0, 0);

  public PhaseLimits {
    Rules.check(violations(maxSteps, validateEvery, patience, maxKl, validationTarget));
    if (maxDuration != null && maxDuration.isNegative()) {
      throw new IllegalArgumentException("maxDuration must not be negative, got " + maxDuration);
    }
  }

  /** Limits without a validation target. */
  public PhaseLimits(
      int maxSteps, Duration maxDuration, int validateEvery, int patience, double maxKl) {
    this(maxSteps, maxDuration, validateEvery, patience, maxKl, 0);
  }

  /** The rules, for the constructor and for static checks (a null value is not known yet). */
  public static List<String> violations(
      Integer maxSteps,
      Integer validateEvery,
      Integer patience,
      Double maxKl,
      Double validationTarget) {
    List<String> out = new ArrayList<>();
    Rules.atLeast(out, "maxSteps", maxSteps, 1);
    Rules.atLeast(out, "validateEvery", validateEvery, 0);
    Rules.atLeast(out, "patience", patience, 0);
    Rules.atLeast(out, "maxKl", maxKl, 0);
    if (validationTarget != null && !(validationTarget >= 0 && validationTarget <= 1)) {
      out.add("validationTarget must lie in [0, 1] (0 = off), got " + validationTarget);
    }
    return out;
  }

  public PhaseLimits withMaxSteps(int steps) {
    return new PhaseLimits(steps, maxDuration, validateEvery, patience, maxKl, validationTarget);
  }

  public PhaseLimits withMaxDuration(Duration d) {
    return new PhaseLimits(maxSteps, d, validateEvery, patience, maxKl, validationTarget);
  }
}
