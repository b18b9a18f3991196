package io.prorl.engine.parallel;

import io.prorl.engine.DjlEngine;
import io.prorl.tasks.MachineSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Independent batched work (sampling, reference log-probabilities) split across threads, each a
 * lane running its own share of the batch with PyTorch's single intra-op thread, so a 2-core
 * machine uses both cores where one intra-op thread would leave one idle. The lane count is fixed
 * (not the machine's core count) so the same seed gives the same samples on every machine: set it
 * with the system property {@value #PROPERTY} or the environment variable {@value #ENV}.
 *
 * <p>Each lane takes one contiguous chunk {@code [from, to)} of the items; the caller's thread runs
 * the first chunk. A lane turns gradients off for itself (grad mode is thread-local).
 */
public final class Lanes {
  /** Two lanes: the cores of the smallest machine this project runs on. */
  public static final int DEFAULT = 2;

  /** Items a lane gets at least: below this a lane's share costs more in start-up than it saves. */
  public static final int MIN_PER_LANE = 4;

  public static final String PROPERTY = "prorl.lanes";
  public static final String ENV = "PRORL_LANES";

  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger next = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "prorl-lane-" + next.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  private Lanes() {}

  /** The configured lane count: {@value #PROPERTY}, else {@value #ENV}, else {@link #DEFAULT}. */
  public static int configured() {
    Optional<MachineSetting> setting = MachineSetting.read(PROPERTY, ENV);
    if (setting.isEmpty()) {
      return DEFAULT;
    }
    try {
      int lanes = Integer.parseInt(setting.get().value());
      if (lanes >= 1) {
        return lanes;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        setting.get().source()
            + " must be a whole number >= 1, got '"
            + setting.get().value()
            + "'");
  }

  /** One lane's share of the items, {@code [from, to)}; returns one result per item, in order. */
  @FunctionalInterface
  public interface Chunk<R> {
    List<R> run(int from, int to);
  }

  /**
   * Splits {@code n} items into at most {@code lanes} contiguous chunks of at least {@code
   * minPerLane} items, runs them at once and concatenates their results in item order.
   */
  public static <R> List<R> map(int n, int lanes, int minPerLane, Chunk<R> chunk) {
    int used = Math.max(1, Math.min(lanes, n / Math.max(1, minPerLane)));
    if (used == 1) {
      return chunk.run(0, n);
    }
    List<Future<List<R>>> others = new ArrayList<>(used - 1);
    for (int lane = 1; lane < used; lane++) {
      int from = bound(n, used, lane);
      int to = bound(n, used, lane + 1);
      others.add(
          POOL.submit(() -> {
            DjlEngine.gradientsOffOnThisThread();
            return chunk.run(from, to);
          }));
    }
    List<R> out = new ArrayList<>(n);
    try {
      out.addAll(chunk.run(0, bound(n, used, 1)));
      for (Future<List<R>> f : others) {
        out.addAll(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a lane", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      // a failed lane must not leave the others running on shared models
      for (Future<List<R>> f : others) {
        try {
          f.get();
        } catch (Exception ignored) {
          // the first failure is the one reported
        }
      }
    }
    return out;
  }

  /** The first item of lane {@code lane} of {@code lanes}: chunks differ in size by at most one. */
  static int bound(int n, int lanes, int lane) {
    return (int) ((long) n * lane / lanes);
  }
}
