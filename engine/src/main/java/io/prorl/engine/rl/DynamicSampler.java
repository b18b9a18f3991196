package io.prorl.engine.rl;

import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * DAPO's dynamic sampling: groups the {@link GroupFilter} rejects (rewards all equal: zero
 * advantage, no gradient; or, with ACCURACY, never or always fully correct) are dropped and more
 * prompts are sampled until the batch holds the wanted number of kept groups, for at most {@code
 * maxRounds} rounds. When the budget runs out the batch is what was gathered (never a crash;
 * ProRL's trainers crashed here).
 */
public final class DynamicSampler {
  /** Samples the groups of some problems (the {@link RolloutGenerator} in training). */
  @FunctionalInterface
  public interface RolloutSource {
    List<RolloutGroup> rollout(List<io.prorl.tasks.Problem> problems, long seed);
  }

  private final RolloutSource generator;
  private final int maxRounds;
  private final GroupFilter filter;

  public DynamicSampler(RolloutSource generator, int maxRounds, GroupFilter filter) {
    if (maxRounds < 1) {
      throw new IllegalArgumentException("maxRounds must be at least 1, got " + maxRounds);
    }
    this.generator = generator;
    this.maxRounds = maxRounds;
    this.filter = filter;
  }

  /**
   * @param kept the groups the filter kept (at most the number wanted)
   * @param rounds sampling rounds used
   * @param sampled groups sampled in all
   * @param allGroups every group sampled, kept or not (for reward and accuracy metrics)
   * @param budgetExhausted fewer groups than wanted after {@code maxRounds}
   */
  public record Batch(
      List<RolloutGroup> kept,
      int rounds,
      int sampled,
      List<RolloutGroup> allGroups,
      boolean budgetExhausted) {

    public double keptFraction() {
      return sampled == 0 ? 0 : (double) kept.size() / sampled;
    }
  }

  public Batch fill(ProblemStream prompts, int wanted, long seed) {
    List<RolloutGroup> kept = new ArrayList<>();
    List<RolloutGroup> all = new ArrayList<>();
    int rounds = 0;
    while (kept.size() < wanted && rounds < maxRounds) {
      List<RolloutGroup> groups =
          generator.rollout(prompts.next(wanted), Seeds.derive(seed, rounds));
      rounds++;
      all.addAll(groups);
      for (RolloutGroup g : groups) {
        if (filter.keeps(g) && kept.size() < wanted) {
          kept.add(g);
        }
      }
    }
    return new Batch(kept, rounds, all.size(), all, kept.size() < wanted);
  }
}
