package io.prorl.engine.job;

import java.util.List;

/**
 * Shard {@code index} (from 0) of {@code count}: every count-th of a problem list's sampling
 * batches, from the index-th on ({@link ProblemBatches}). Evaluation and the difficulty filter
 * shard the same way, so their shards merge exactly.
 */
public record Shard(int index, int count) {
  public static final Shard WHOLE = new Shard(0, 1);

  public Shard {
    List<String> bad = violations(index, count);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(bad.get(0));
    }
  }

  /** The rule, for the constructor and for static checks (a null value is not known yet). */
  public static List<String> violations(Integer index, Integer count) {
    if (index == null || count == null || (count >= 1 && index >= 0 && index < count)) {
      return List.of();
    }
    return List.of(
        "shard: need 0 <= shardIndex < shardCount, got shardIndex="
            + index
            + " shardCount="
            + count);
  }

  /** Whether this is the whole of the work (one shard of one). */
  public boolean whole() {
    return count == 1;
  }

  @Override
  public String toString() {
    return "shard " + index + " of " + count;
  }
}
