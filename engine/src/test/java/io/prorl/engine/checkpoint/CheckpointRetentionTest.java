package io.prorl.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointRetentionTest {
  @TempDir Path dir;

  /** A checkpoint folder as the store sees it: a weights file and, when complete, a manifest. */
  private void checkpoint(FileCheckpointStore store, String run, int phase, int step, boolean done)
      throws Exception {
    Path f = Files.writeString(dir.resolve("file"), run + phase + step);
    CheckpointId id = new CheckpointId(run, phase, step);
    store.put(id.prefix() + "model.safetensors", f);
    if (done) {
      store.put(id.prefix() + Checkpointer.MANIFEST, f);
    }
  }

  private static List<String> manifests(FileCheckpointStore store, String run) throws Exception {
    return store.list(run + "/").stream()
        .filter(k -> k.endsWith(Checkpointer.MANIFEST))
        .map(k -> k.substring(0, k.length() - Checkpointer.MANIFEST.length()))
        .toList();
  }

  /** Base policy; phase 1 ended at step 3; phase 2 running at step 2; a half-written step 3. */
  private FileCheckpointStore run(String run) throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(dir.resolve("store"));
    checkpoint(store, run, 0, 0, true);
    for (int step = 0; step <= 3; step++) {
      checkpoint(store, run, 1, step, true);
    }
    for (int step = 0; step <= 2; step++) {
      checkpoint(store, run, 2, step, true);
    }
    checkpoint(store, run, 2, 3, false);
    return store;
  }

  @Test
  void keepsTheNewestStepCheckpointsAndEveryPhaseStartAndEnd() throws Exception {
    FileCheckpointStore store = run("r");
    checkpoint(store, "other", 1, 1, true);

    List<String> deleted = new CheckpointRetention(store, 1).prune("r");

    assertThat(manifests(store, "r"))
        .containsExactly(
            "r/phase-0000/step-000000/",
            "r/phase-0001/step-000000/",
            "r/phase-0001/step-000003/",
            "r/phase-0002/step-000000/",
            "r/phase-0002/step-000002/");
    assertThat(deleted)
        .containsExactly(
            store.uri("r/phase-0001/step-000001/").toString(),
            store.uri("r/phase-0001/step-000002/").toString(),
            store.uri("r/phase-0002/step-000001/").toString());
    // pruned folders are gone, not left empty; an incomplete folder and other runs are untouched
    assertThat(dir.resolve("store/r/phase-0001/step-000001")).doesNotExist();
    assertThat(store.exists("r/phase-0002/step-000003/model.safetensors")).isTrue();
    assertThat(manifests(store, "other")).containsExactly("other/phase-0001/step-000001/");
  }

  @Test
  void keepLastCountsAcrossPhasesAndPruningTwiceChangesNothing() throws Exception {
    FileCheckpointStore store = run("r");

    new CheckpointRetention(store, 2).prune("r");

    assertThat(manifests(store, "r"))
        .containsExactly(
            "r/phase-0000/step-000000/",
            "r/phase-0001/step-000000/",
            "r/phase-0001/step-000003/",
            "r/phase-0002/step-000000/",
            "r/phase-0002/step-000001/",
            "r/phase-0002/step-000002/");
    assertThat(new CheckpointRetention(store, 2).prune("r")).isEmpty();
  }

  @Test
  void keepLastBelowOneIsRefused() {
    assertThatThrownBy(() -> new CheckpointRetention(new FileCheckpointStore(dir), 0))
        .hasMessageContaining("keepLast must be at least 1, got 0");
  }
}
