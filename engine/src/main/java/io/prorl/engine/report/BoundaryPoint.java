package io.prorl.engine.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One point of the reasoning-boundary figure: pass@k of one checkpoint on one evaluation set.
 *
 * @param checkpoint the checkpoint's label, e.g. {@code base}, {@code phase-0001}
 * @param set the evaluation set, e.g. {@code graph_color}, {@code boxnet}
 * @param outOfDistribution whether the policy never trained on this set (its panel is marked); the
 *     same for every point of a set
 * @param k samples drawn, at least 1
 * @param passAtK unbiased pass@k in [0, 1]; NaN when missing (the point is left out)
 */
public record BoundaryPoint(
    String checkpoint, String set, boolean outOfDistribution, int k, double passAtK) {

  public BoundaryPoint {
    List<String> violations = violations(checkpoint, set, k, passAtK);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "pass@k point (checkpoint "
              + checkpoint
              + ", set "
              + set
              + ", k "
              + k
              + "): "
              + String.join("; ", violations));
    }
  }

  /** What is wrong with a point, each message naming the field; empty when valid. */
  public static List<String> violations(String checkpoint, String set, int k, double passAtK) {
    List<String> violations = new ArrayList<>();
    if (checkpoint == null || checkpoint.isBlank()) {
      violations.add("checkpoint must not be blank");
    }
    if (set == null || set.isBlank()) {
      violations.add("set must not be blank");
    }
    if (k < 1) {
      violations.add("k must be >= 1, got " + k);
    }
    if (!Double.isNaN(passAtK) && !(passAtK >= 0 && passAtK <= 1)) {
      violations.add("passAtK must be in [0, 1] (NaN when missing), got " + passAtK);
    }
    return violations;
  }

  /** Whether pass@k was measured (not NaN). */
  public boolean present() {
    return !Double.isNaN(passAtK);
  }
}
