package io.prorl.tasks.dataset;

import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Generates a set until it holds {@code count} distinct problems (by {@link
 * DatasetAssembler#promptKey}): indices 0, 1, 2, ... of the seeded stream, skipping a problem whose
 * prompt was already drawn, at most {@link #MAX_ATTEMPTS_PER_PROBLEM} x count indices. A small
 * space (e.g. 4-vertex graphs) runs out: then the set is short and says so, never silently.
 */
public final class DistinctGenerator {

  /** Indices drawn per requested problem before giving up on a small problem space. */
  public static final int MAX_ATTEMPTS_PER_PROBLEM = 20;

  private DistinctGenerator() {}

  /** A set that could not reach its count: the problem space is (nearly) exhausted. */
  public record Shortfall(
      String family, Map<String, Object> difficulty, int requested, int reached, int attempts) {
    public String describe() {
      return family
          + " (difficulty "
          + difficulty
          + "): "
          + requested
          + " distinct problems requested, "
          + reached
          + " reached after "
          + attempts
          + " attempts";
    }
  }

  /** The distinct problems (each with its reference solution) and the shortfall, if any. */
  public record Generated(List<Problem> problems, Optional<Shortfall> shortfall) {}

  public static Generated generate(TaskFamilies families, GeneratedSet set) {
    TaskFamily f = families.get(set.family());
    long maxAttempts = (long) MAX_ATTEMPTS_PER_PROBLEM * set.count();
    Set<String> seen = new HashSet<>();
    List<Problem> out = new ArrayList<>(set.count());
    int index = 0;
    while (out.size() < set.count() && index < maxAttempts) {
      Map<String, Object> knobs = set.difficulty().draw(set.family(), set.seed(), index);
      Problem p = f.generate(knobs, set.seed(), index);
      index++;
      if (seen.add(DatasetAssembler.promptKey(p.prompt()))) {
        out.add(p.withSolution(f.solve(p).completion()));
      }
    }
    Optional<Shortfall> shortfall =
        out.size() < set.count()
            ? Optional.of(
                new Shortfall(
                    set.family(), set.difficulty().knobs(), set.count(), out.size(), index))
            : Optional.empty();
    return new Generated(out, shortfall);
  }
}
