package io.prorl.engine.rl;

import java.time.Duration;

/**
 * When a phase (the span between two reference resets) ends.
 *
 * @param maxSteps stop after this many RL steps
 * @param maxDuration stop when a step ends after this much wall time
 * @param validateEvery validate every this many steps (0 = never; then no plateau stop)
 * @param patience stop after this many validations without a new best (plateau)
 * @param maxKl stop when the mean KL to the reference exceeds this (0 = off)
 */
public record PhaseLimits(
    int maxSteps, Duration maxDuration, int validateEvery, int patience, double maxKl) {

  public PhaseLimits {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
    }
    if (validateEvery < 0 || patience < 0 || maxKl < 0) {
      throw new IllegalArgumentException("validateEvery, patience and maxKl must be >= 0");
    }
  }
}
