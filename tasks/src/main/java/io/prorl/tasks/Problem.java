package io.prorl.tasks;

import java.util.Map;
import java.util.Objects;

/**
 * One verifiable problem: a line of a problem JSONL file ({@code schemas/problem.schema.json}).
 *
 * @param id unique id, e.g. {@code countdown-s42-000017}
 * @param family the task family that generates and verifies it, e.g. {@code countdown}
 * @param difficulty the generator knobs that produced it (free-form per family)
 * @param prompt the text shown to the policy
 * @param verifier what the family's verifier needs to score a completion
 * @param solution an optional worked reference solution ending in a formatted answer, or null
 */
public record Problem(
    String id,
    String family,
    Map<String, Object> difficulty,
    String prompt,
    Map<String, Object> verifier,
    String solution) {

  public Problem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(prompt, "prompt");
    difficulty = difficulty == null ? Map.of() : difficulty;
    verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /** Problem {@code index} of a family's seeded stream: id from seed and index, knobs recorded. */
  public static Problem generated(
      String family,
      long seed,
      int index,
      Knobs knobs,
      String prompt,
      Map<String, Object> verifier) {
    return new Problem(
        Seeds.problemId(family, seed, index), family, knobs.asMap(), prompt, verifier, null);
  }

  /** The same problem with the given worked solution. */
  public Problem withSolution(String workedSolution) {
    return new Problem(id, family, difficulty, prompt, verifier, workedSolution);
  }
}
