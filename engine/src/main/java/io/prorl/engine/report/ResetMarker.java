package io.prorl.engine.report;

import java.util.Objects;

/**
 * A reference reset in the training curves: pi_ref := pi_theta before {@code globalStep}, the first
 * step of the new phase.
 *
 * @param globalStep the first global step after the reset, from 1
 * @param reason why the phase before it ended, e.g. {@code PLATEAU}, {@code KL_LIMIT}, {@code
 *     MAX_STEPS}; empty when unknown
 */
public record ResetMarker(int globalStep, String reason) {

  public ResetMarker {
    if (globalStep < 1) {
      throw new IllegalArgumentException("reset globalStep must be >= 1, got " + globalStep);
    }
    reason = Objects.requireNonNullElse(reason, "").strip();
  }

  /** A reset with no reason given. */
  public ResetMarker(int globalStep) {
    this(globalStep, "");
  }

  /** The label beside the line: the reason, or {@code reset} when none was given. */
  String label() {
    return reason.isEmpty() ? "reset" : reason;
  }
}
