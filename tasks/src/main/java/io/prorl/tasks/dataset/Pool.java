package io.prorl.tasks.dataset;

import io.prorl.tasks.Problem;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The problems of one source (a generated set or a JSONL file) on their way into the mix.
 *
 * @param name where they came from, e.g. {@code generate[0] graph_color} or {@code sources[1]
 *     file:///data/math.jsonl}
 * @param weight the pool's share of the training mix, or empty (then no pool has one)
 * @param problems the problems, in the source's order
 */
public record Pool(String name, OptionalDouble weight, List<Problem> problems) {
  public Pool {
    weight = weight == null ? OptionalDouble.empty() : weight;
    problems = List.copyOf(problems);
  }

  /** An unweighted pool. */
  public static Pool of(String name, List<Problem> problems) {
    return new Pool(name, OptionalDouble.empty(), problems);
  }

  public Pool withProblems(List<Problem> kept) {
    return new Pool(name, weight, kept);
  }
}
