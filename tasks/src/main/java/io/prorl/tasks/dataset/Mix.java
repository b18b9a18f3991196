package io.prorl.tasks.dataset;

import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The weighted mix of pools. Without weights every problem is kept. With weights (every pool has
 * one), each pool i gets the share s_i = w_i / sum_j w_j of the mix and the mix is the largest one
 * every pool can fill at its share:
 *
 * <pre>
 *   N      = floor( min_i  available_i / s_i )
 *   take_i = round( s_i * N )          (<= available_i by the choice of N)
 * </pre>
 *
 * A pool's {@code count} (or file) says how many candidates there are; its weight says what share
 * of the final set it gets. Each pool's problems are taken after a seeded shuffle of the pool, so a
 * shrunk pool keeps a random subset, not its first lines.
 */
public final class Mix {

  private Mix() {}

  /** What one pool gave: the candidates left after cleaning, its share and what was taken. */
  public record Share(String pool, int available, double share, int taken) {}

  /** The mixed problems, pool after pool, and each pool's share. */
  public record Mixed(List<Problem> problems, List<Share> shares) {}

  /** The rule of one weight, naming the entry: positive and finite. */
  public static List<String> weightViolations(double weight, String at) {
    return weight > 0 && Double.isFinite(weight)
        ? List.of()
        : List.of(at + ".weight must be a positive number, got " + weight);
  }

  /**
   * The rule over all pools: weights on every pool or on none, e.g. {@code weight: give every
   * generate and sources entry a weight, or none (unweighted: sources[0])}.
   */
  public static List<String> allOrNone(List<String> weighted, List<String> unweighted) {
    if (weighted.isEmpty() || unweighted.isEmpty()) {
      return List.of();
    }
    return List.of(
        "weight: give every generate and sources entry a weight, or none (unweighted: "
            + String.join(", ", unweighted)
            + ")");
  }

  public static Mixed apply(List<Pool> pools, long seed) {
    List<String> weighted = new ArrayList<>();
    List<String> unweighted = new ArrayList<>();
    pools.forEach(p -> (p.weight().isPresent() ? weighted : unweighted).add(p.name()));
    List<String> bad = allOrNone(weighted, unweighted);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(bad.get(0));
    }
    List<Problem> out = new ArrayList<>();
    List<Share> shares = new ArrayList<>();
    if (weighted.isEmpty()) {
      for (Pool p : pools) {
        out.addAll(p.problems());
        shares.add(new Share(p.name(), p.problems().size(), Double.NaN, p.problems().size()));
      }
      return new Mixed(out, shares);
    }
    double total = pools.stream().mapToDouble(p -> p.weight().getAsDouble()).sum();
    double n = Double.POSITIVE_INFINITY;
    for (Pool p : pools) {
      n = Math.min(n, p.problems().size() / (p.weight().getAsDouble() / total));
    }
    long size = (long) Math.floor(n + 1e-9);
    for (int i = 0; i < pools.size(); i++) {
      Pool p = pools.get(i);
      double share = p.weight().getAsDouble() / total;
      int take = (int) Math.min(p.problems().size(), Math.round(share * size));
      List<Problem> shuffled = new ArrayList<>(p.problems());
      DatasetAssembler.shuffle(shuffled, new SplittableRandom(seed * 31 + i));
      out.addAll(shuffled.subList(0, take));
      shares.add(new Share(p.name(), p.problems().size(), share, take));
    }
    return new Mixed(out, shares);
  }
}
