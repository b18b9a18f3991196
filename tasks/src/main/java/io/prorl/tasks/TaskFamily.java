package io.prorl.tasks;

import java.util.Map;

/**
 * A family of verifiable problems: a seeded generator, a reference solver and a verifier.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface TaskFamily {

  /** The family's name as written in problem records, e.g. {@code countdown}. */
  String name();

  /** One line for humans. */
  String description();

  /**
   * Whether the family is held out of training by default (an out-of-distribution family, like
   * ProRL's boxnet).
   */
  default boolean heldOutByDefault() {
    return false;
  }

  /** The difficulty knobs and their default values. */
  Map<String, Object> defaultDifficulty();

  /**
   * Generates problem number {@code index} of the stream with this {@code seed}. Same seed, index
   * and difficulty: the same problem, whatever else was generated before.
   *
   * @param difficulty knobs to override (unknown knobs and bad values are errors naming the knob)
   */
  Problem generate(Map<String, ?> difficulty, long seed, int index);

  /** Solves the problem for real and writes a short worked solution. */
  Solution solve(Problem problem);

  /** Scores a completion; never throws on hostile completions, always gives a reason. */
  Reward score(Problem problem, String completion);

  /**
   * Checks the family-specific content of {@code problem.verifier()} beyond the JSON schema (e.g.
   * edge endpoints within range).
   *
   * @throws InvalidProblemException naming the bad field
   */
  void validate(Problem problem);
}
