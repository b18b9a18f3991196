package io.prorl.engine.rl;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training prompts in a seeded order: each epoch is a fresh shuffle of the dataset. The position
 * (epoch, offset) is the data cursor a checkpoint records for exact resume.
 */
public final class ProblemStream {
  private final List<Problem> dataset;
  private final long seed;
  private int epoch;
  private int offset;
  private List<Problem> order;

  public ProblemStream(List<Problem> dataset, long seed) {
    if (dataset.isEmpty()) {
      throw new IllegalArgumentException("the training set is empty");
    }
    this.dataset = List.copyOf(dataset);
    this.seed = seed;
    this.order = shuffled(0);
  }

  /** The next {@code n} problems, moving on to a new epoch when one ends. */
  public List<Problem> next(int n) {
    List<Problem> out = new ArrayList<>(n);
    while (out.size() < n) {
      if (offset == order.size()) {
        epoch++;
        offset = 0;
        order = shuffled(epoch);
      }
      out.add(order.get(offset++));
    }
    return out;
  }

  /** The cursor: epoch and offset within it. */
  public int[] cursor() {
    return new int[] {epoch, offset};
  }

  /** Continues from a cursor written by {@link #cursor()}. */
  public void seek(int atEpoch, int atOffset) {
    if (atOffset < 0 || atOffset > dataset.size()) {
      throw new IllegalArgumentException("data cursor offset " + atOffset + " outside the dataset");
    }
    this.epoch = atEpoch;
    this.offset = atOffset;
    this.order = shuffled(atEpoch);
  }

  private List<Problem> shuffled(int e) {
    List<Problem> list = new ArrayList<>(dataset);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, e));
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      list.set(i, list.set(j, list.get(i)));
    }
    return list;
  }
}
