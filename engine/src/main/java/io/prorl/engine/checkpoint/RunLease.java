package io.prorl.engine.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * One trainer per run at a time: a lease object {@code <run>/LEASE.json} in the checkpoint store,
 * renewed by a heartbeat while held. Two trainers of one run would interleave checkpoints and
 * corrupt it (a duplicated task run, a retry racing its own first attempt, two executions given the
 * same run id). A second trainer waits for the holder to release; a lease whose heartbeat stopped
 * (its machine died) is taken over once stale. Object stores have no atomic create, so acquiring
 * writes, waits a moment and reads back; the heartbeat keeps checking it is still the holder.
 */
public final class RunLease implements AutoCloseable {
  public static final String KEY = "LEASE.json";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What the lease object holds. */
  public record Holder(String owner, String description, long acquiredMillis, long renewedMillis) {}

  /**
   * @param patience how long to wait for another holder before failing
   * @param staleAfter a lease not renewed for this long is abandoned (heartbeat every quarter)
   */
  public record Timing(Duration patience, Duration staleAfter, Duration settle) {
    public static Timing defaults() {
      // wait as long as the holder lives: a live holder is training; a dead one goes stale
      return new Timing(Duration.ofDays(7), Duration.ofMinutes(2), Duration.ofMillis(500));
    }
  }

  private final CheckpointStore store;
  private final String key;
  private final Holder mine;
  private final Thread heartbeat;
  private final LongSupplier clock;
  private volatile boolean lost;

  private RunLease(
      CheckpointStore store, String key, Holder mine, Timing timing, LongSupplier clock) {
    this.store = store;
    this.key = key;
    this.mine = mine;
    this.clock = clock;
    long every = Math.max(1, timing.staleAfter().toMillis() / 4);
    this.heartbeat =
        Thread.ofPlatform()
            .daemon()
            .name("run-lease-" + key)
            .start(() -> {
              try {
                while (true) {
                  Thread.sleep(every);
                  renew();
                }
              } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
              }
            });
  }

  /**
   * Takes the lease of {@code runId}, waiting while another live trainer holds it.
   *
   * @param description who takes it, for the other side's messages (task, host)
   * @throws IllegalStateException when another holder keeps it past {@code timing.patience()}
   */
  public static RunLease acquire(
      CheckpointStore store, String runId, String description, Timing timing, Consumer<String> log)
      throws IOException {
    return acquire(store, runId, description, timing, log, System::currentTimeMillis);
  }

  static RunLease acquire(
      CheckpointStore store,
      String runId,
      String description,
      Timing timing,
      Consumer<String> log,
      LongSupplier clock)
      throws IOException {
    String key = runId + "/" + KEY;
    String owner = UUID.randomUUID().toString();
    long deadline = clock.getAsLong() + timing.patience().toMillis();
    boolean told = false;
    try {
      while (true) {
        Optional<Holder> current = read(store, key);
        long now = clock.getAsLong();
        boolean free =
            current.isEmpty()
                || now - current.get().renewedMillis() > timing.staleAfter().toMillis();
        if (free) {
          if (current.isPresent()) {
            log.accept(
                "run "
                    + runId
                    + ": taking over the lease of "
                    + current.get().description()
                    + ", not renewed for "
                    + Duration.ofMillis(now - current.get().renewedMillis()).toSeconds()
                    + " s");
          }
          Holder mine = new Holder(owner, description, now, now);
          write(store, key, mine);
          Thread.sleep(timing.settle().toMillis());
          if (read(store, key).map(h -> h.owner().equals(owner)).orElse(false)) {
            return new RunLease(store, key, mine, timing, clock);
          }
          continue; // someone wrote over us in the same moment: look again
        }
        if (now > deadline) {
          throw new IllegalStateException(
              "run "
                  + runId
                  + " is being trained by "
                  + current.get().description()
                  + " (lease "
                  + store.uri(key)
                  + " renewed "
                  + Duration.ofMillis(now - current.get().renewedMillis()).toSeconds()
                  + " s ago); waited "
                  + timing.patience()
                  + ". Two trainers of one run would corrupt it; delete the lease only if that"
                  + " trainer is gone");
        }
        if (!told) {
          log.accept(
              "run "
                  + runId
                  + " is held by "
                  + current.get().description()
                  + "; waiting up to "
                  + timing.patience()
                  + " for it to finish");
          told = true;
        }
        Thread.sleep(Math.min(1000, Math.max(10, timing.settle().toMillis())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the lease of run " + runId, e);
    }
  }

  /** False once another trainer took the lease over (this one stalled past staleAfter). */
  public boolean held() {
    return !lost;
  }

  private void renew() {
    try {
      Optional<Holder> current = read(store, key);
      if (current.isPresent() && !current.get().owner().equals(mine.owner())) {
        lost = true;
        return;
      }
      write(
          store,
          key,
          new Holder(mine.owner(), mine.description(), mine.acquiredMillis(), clock.getAsLong()));
    } catch (IOException | RuntimeException e) {
      // a missed heartbeat is retried at the next beat; only staleAfter without one loses it
    }
  }

  private static Optional<Holder> read(CheckpointStore store, String key) throws IOException {
    try (InputStream in = store.get(key)) {
      return Optional.of(JSON.readValue(in, Holder.class));
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    }
  }

  private static void write(CheckpointStore store, String key, Holder h) throws IOException {
    Path tmp = Files.createTempFile("prorl-lease", ".json");
    try {
      Files.writeString(tmp, JSON.writeValueAsString(h));
      store.put(key, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Releases the lease (when still held). */
  @Override
  public void close() throws IOException {
    heartbeat.interrupt();
    try {
      heartbeat.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (read(store, key).map(h -> h.owner().equals(mine.owner())).orElse(false)) {
      store.delete(key);
    }
  }
}
