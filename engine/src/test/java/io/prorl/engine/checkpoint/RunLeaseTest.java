package io.prorl.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLeaseTest {
  @TempDir Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private static RunLease.Timing timing(Duration wait, Duration stale) {
    return new RunLease.Timing(wait, stale, Duration.ofMillis(20));
  }

  @Test
  void aSecondTrainerWaitsForTheFirstToRelease() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(dir);
    RunLease first =
        RunLease.acquire(
            store, "r", "task A", timing(Duration.ofSeconds(20), Duration.ofSeconds(10)), log::add);
    assertThat(store.exists("r/" + RunLease.KEY)).isTrue();
    CompletableFuture<RunLease> second =
        CompletableFuture.supplyAsync(() -> {
          try {
            return RunLease.acquire(
                store,
                "r",
                "task B",
                timing(Duration.ofSeconds(20), Duration.ofSeconds(10)),
                log::add);
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
    // poll (with a deadline) until the second trainer says it waits, instead of a fixed sleep
    io.prorl.engine.Poll.until(
        Duration.ofSeconds(30),
        Duration.ofMillis(10),
        () -> log.stream().anyMatch(m -> m.contains("run r is held by task A; waiting")));
    assertThat(log).anyMatch(m -> m.contains("run r is held by task A; waiting"));
    assertThat(second).isNotDone();
    first.close();
    RunLease b = second.get(10, TimeUnit.SECONDS);
    assertThat(b.held()).isTrue();
    b.close();
    assertThat(store.exists("r/" + RunLease.KEY)).isFalse();
  }

  @Test
  void aHolderThatStoppedRenewingIsTakenOverAndNoticesIt() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(dir);
    // a lease left by a machine that died two minutes ago
    Path stale = dir.resolve("stale.json");
    long old = System.currentTimeMillis() - 120_000;
    Files.writeString(
        stale,
        "{\"owner\":\"dead\",\"description\":\"task X on a dead host\",\"acquiredMillis\":"
            + old
            + ",\"renewedMillis\":"
            + old
            + "}");
    store.put("r/" + RunLease.KEY, stale);
    try (RunLease lease =
        RunLease.acquire(
            store,
            "r",
            "task B",
            timing(Duration.ofSeconds(5), Duration.ofSeconds(60)),
            log::add)) {
      assertThat(lease.held()).isTrue();
      assertThat(log)
          .singleElement()
          .asString()
          .contains("taking over the lease of task X on a dead host");
    }
  }

  @Test
  void aLiveHolderPastTheWaitFailsNamingIt() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(dir);
    try (RunLease first =
        RunLease.acquire(
            store,
            "r",
            "task A",
            timing(Duration.ofSeconds(5), Duration.ofSeconds(10)),
            log::add)) {
      assertThatThrownBy(() ->
              RunLease.acquire(
                  store,
                  "r",
                  "task B",
                  timing(Duration.ofMillis(200), Duration.ofSeconds(10)),
                  log::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("run r is being trained by task A")
          .hasMessageContaining(RunLease.KEY);
      assertThat(first.held()).isTrue();
    }
  }
}
