package io.prorl.engine.rl;

import java.util.Map;

/**
 * One validation check of a policy.
 *
 * @param blend the number a phase watches: the mean over families of each family's pass@1
 * @param perFamily family -> pass@1 (share of correct samples over the family's problems)
 */
public record Validation(double blend, Map<String, Double> perFamily) {
  public Validation {
    perFamily = Map.copyOf(perFamily);
  }

  /** A check that has only the blended number (tests, fixed fixtures). */
  public static Validation of(double blend) {
    return new Validation(blend, Map.of());
  }
}
