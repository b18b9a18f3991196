package io.prorl.engine;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a condition in tests: poll it until it holds or a deadline passes, never a fixed
 * sleep.
 */
public final class Poll {
  private Poll() {}

  /** A condition that may throw (e.g. a storage call). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Polls {@code condition} every {@code interval} until it holds or {@code deadline} has passed;
   * returns whether it held. The caller asserts on the state it waited for.
   */
  public static boolean until(Duration deadline, Duration interval, Condition condition)
      throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() >= end) {
        return false;
      }
      LockSupport.parkNanos(interval.toNanos());
    }
    return true;
  }
}
