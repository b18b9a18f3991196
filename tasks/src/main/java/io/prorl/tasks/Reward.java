package io.prorl.tasks;

/**
 * What a verifier says of one completion.
 *
 * @param value reward in [0, 1]: binary for math and STEM, the share of constraints met for logic
 *     puzzles and instruction following
 * @param correct full credit ({@code value == 1}); what pass@k counts
 * @param formatOk an answer was found in the completion and could be read
 * @param reason a short human-readable explanation, never null
 */
public record Reward(double value, boolean correct, boolean formatOk, String reason) {

  public Reward {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException("reward value must lie in [0, 1], got " + value);
    }
    if (correct && value != 1.0) {
      throw new IllegalArgumentException("a correct reward must have value 1, got " + value);
    }
    if (reason == null) {
      throw new IllegalArgumentException("reward reason must not be null");
    }
  }

  /** Full credit. */
  public static Reward correct(String reason) {
    return new Reward(1.0, true, true, reason);
  }

  /** A readable answer that is wrong: no credit. */
  public static Reward wrong(String reason) {
    return new Reward(0.0, false, true, reason);
  }

  /** A readable answer that meets {@code met} of {@code total} constraints. */
  public static Reward partial(int met, int total, String reason) {
    if (total <= 0 || met < 0 || met > total) {
      throw new IllegalArgumentException("bad constraint count " + met + "/" + total);
    }
    return met == total ? correct(reason) : new Reward((double) met / total, false, true, reason);
  }

  /** A readable answer scored with an explicit value below 1. */
  public static Reward partial(double value, String reason) {
    return value >= 1.0 ? correct(reason) : new Reward(value, false, true, reason);
  }

  /** No answer could be found or read: a format failure, scored 0. */
  public static Reward formatFailure(String reason) {
    return new Reward(0.0, false, false, reason);
  }
}
