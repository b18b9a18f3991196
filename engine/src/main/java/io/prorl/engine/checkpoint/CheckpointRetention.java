package io.prorl.engine.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Retention of a run's checkpoints: the newest {@code keepLast} step checkpoints stay, and so does
 * every checkpoint the run's lineage and resume need whatever its age: the base policy (phase 0),
 * each phase's start (step 0, the KL reference a resume reloads) and each phase's newest checkpoint
 * (its end, or the resume point of the phase still running). Deleting removes {@code MANIFEST.json}
 * first, so a deletion cut short leaves an incomplete folder that is never used, not a corrupt one.
 */
public final class CheckpointRetention {
  private final CheckpointStore store;
  private final int keepLast;

  /**
   * @param keepLast step checkpoints (step &gt; 0) to keep besides the pinned ones, at least 1
   */
  public CheckpointRetention(CheckpointStore store, int keepLast) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keepLast must be at least 1, got " + keepLast);
    }
    this.store = store;
    this.keepLast = keepLast;
  }

  /** Deletes the run's checkpoints that fall outside the policy; returns their URIs. */
  public List<String> prune(String runId) throws IOException {
    List<String> keys = store.list(runId + "/");
    TreeSet<CheckpointId> complete = new TreeSet<>();
    for (String key : keys) {
      if (key.endsWith("/" + Checkpointer.MANIFEST)) {
        complete.add(CheckpointId.parse(key));
      }
    }
    TreeMap<Integer, CheckpointId> newestPerPhase = new TreeMap<>();
    for (CheckpointId id : complete) {
      newestPerPhase.put(id.phase(), id);
    }
    List<CheckpointId> steps =
        complete.stream().filter(id -> id.phase() > 0 && id.step() > 0).toList();
    List<String> deleted = new ArrayList<>();
    for (CheckpointId id : steps.subList(0, Math.max(0, steps.size() - keepLast))) {
      if (id.equals(newestPerPhase.get(id.phase()))) {
        continue; // a phase end
      }
      Checkpointer.delete(store, id);
      deleted.add(store.uri(id.prefix()).toString());
    }
    return deleted;
  }
}
