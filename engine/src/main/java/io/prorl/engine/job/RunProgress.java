package io.prorl.engine.job;

import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import java.io.IOException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a run stands, read from its complete checkpoints only: the base policy (phase 0), the
 * phases that ended, and the phase a new (or retried) phase task should run.
 */
public final class RunProgress {
  private final Checkpointer checkpointer;
  private final String runId;

  public RunProgress(Checkpointer checkpointer, String runId) {
    this.checkpointer = checkpointer;
    this.runId = runId;
  }

  /** phase -> its newest complete checkpoint. */
  private TreeMap<Integer, CheckpointId> newestPerPhase() throws IOException {
    TreeMap<Integer, CheckpointId> out = new TreeMap<>();
    for (String key : checkpointer.store().list(runId + "/")) {
      if (key.endsWith("/" + Checkpointer.MANIFEST)) {
        CheckpointId id = CheckpointId.parse(key);
        out.merge(id.phase(), id, (a, b) -> a.compareTo(b) >= 0 ? a : b);
      }
    }
    return out;
  }

  /** The run's base policy (phase 0), when a warm start wrote one. */
  public Optional<CheckpointId> base() throws IOException {
    return Optional.ofNullable(newestPerPhase().get(0));
  }

  /** The end checkpoint of the newest phase that finished. */
  public Optional<CheckpointId> latestPhaseEnd() throws IOException {
    for (CheckpointId id : newestPerPhase().descendingMap().values()) {
      if (id.phase() >= 1 && checkpointer.state(id).stopReason() != null) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /** RL steps of the phases before {@code phase} (each phase's newest checkpoint). */
  public int stepsBefore(int phase) throws IOException {
    int steps = 0;
    for (CheckpointId id : newestPerPhase().values()) {
      if (id.phase() >= 1 && id.phase() < phase) {
        steps += checkpointer.state(id).step();
      }
    }
    return steps;
  }

  /** When the run wrote its first checkpoint (the base, or phase 1's start), if it has one. */
  public Optional<java.time.Instant> startedAt() throws IOException {
    TreeMap<Integer, CheckpointId> newest = newestPerPhase();
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    CheckpointId first = newest.firstEntry().getValue();
    if (first.phase() >= 1) {
      first = new CheckpointId(first.runId(), first.phase(), 0);
    }
    return Optional.of(java.time.Instant.parse(checkpointer.manifest(first).createdAt()));
  }

  /**
   * The phase to run now: an unfinished phase (a crash or a retry left resume points but no end) is
   * continued; otherwise the one after the newest finished phase; 1 for a new run.
   */
  public int phaseToRun() throws IOException {
    TreeMap<Integer, CheckpointId> newest = newestPerPhase();
    newest.remove(0);
    if (newest.isEmpty()) {
      return 1;
    }
    CheckpointId last = newest.lastEntry().getValue();
    return checkpointer.state(last).stopReason() == null ? last.phase() : last.phase() + 1;
  }
}
