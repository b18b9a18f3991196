package io.prorl.engine.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.S3MockServer;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.tasks.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run's boundary history grows as phases finish, survives being reopened, replaces a re-evaluated
 * checkpoint's entries, refuses a file that breaks its schema, and lives on S3 too.
 */
class BoundaryHistoryTest {
  private static final Instant T1 = Instant.parse("2025-06-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2025-06-01T11:00:00Z");
  @TempDir Path tmp;

  /** One policy's report on a held-out family and an OOD set. */
  private static EvaluateJob.Report report(String name, String uri, CheckpointId id, double pass1) {
    List<EvaluateJob.SetResult> sets =
        List.of(
            new EvaluateJob.SetResult(
                "graph_color",
                false,
                4,
                4,
                Map.of(1, pass1, 2, pass1 + 0.1, 4, pass1 + 0.2),
                pass1,
                30.5),
            new EvaluateJob.SetResult(
                "boxnet", true, 2, 4, Map.of(1, 0.0, 2, 0.0, 4, 0.5), 0.1, 41));
    EvaluateJob.PolicyReport p =
        new EvaluateJob.PolicyReport(
            name,
            uri,
            id,
            pass1,
            sets.get(0).passAtK(),
            Map.of("graph_color", sets.get(0).passAtK()),
            sets);
    return new EvaluateJob.Report(4, 4, List.of(1, 2, 4), 0.6, 0.95, List.of(p));
  }

  private static String checkpoint(CheckpointStore store, int phase, int step) {
    return store.uri(new CheckpointId("r1", phase, step).prefix()).toString();
  }

  private static URI record(CheckpointStore store, EvaluateJob.Report r, Instant at)
      throws Exception {
    return BoundaryHistory.record(store, "r1", r, at, null);
  }

  @Test
  void growsAsPhasesFinishAndAReEvaluationReplacesItsCheckpoint() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    String base = checkpoint(store, 0, 0);
    String phase1 = checkpoint(store, 1, 10);
    assertThat(BoundaryHistory.read(store, "r1").entries()).isEmpty();

    URI uri = record(store, report("prorl", phase1, new CheckpointId("r1", 1, 10), 0.3), T1);
    record(store, report("base", base, new CheckpointId("r1", 0, 0), 0.1), T1);
    assertThat(uri).isEqualTo(tmp.resolve("ckpt/r1/boundary-history.json").toUri());

    BoundaryHistory h = BoundaryHistory.read(store, "r1");
    assertThat(h.checkpoints()).containsExactly(base, phase1); // by phase and step
    assertThat(h.entries()).hasSize(4);
    BoundaryHistory.Entry first = h.entries().get(0);
    assertThat(first.label()).isEqualTo("base");
    assertThat(first.phase()).isZero();
    assertThat(first.step()).isZero();
    assertThat(first.set()).isEqualTo("graph_color");
    assertThat(first.outOfDistribution()).isFalse();
    assertThat(first.passAtK())
        .containsExactly(Map.entry(1, 0.1), Map.entry(2, 0.2), Map.entry(4, 0.30000000000000004));
    assertThat(first.meanResponseTokens()).isEqualTo(30.5);
    assertThat(first.temperature()).isEqualTo(0.6);
    assertThat(first.topP()).isEqualTo(0.95);
    assertThat(first.evaluatedAt()).isEqualTo("2025-06-01T10:00:00Z");
    BoundaryHistory.Entry ood = h.entries().get(3);
    assertThat(ood.label()).isEqualTo("phase-0001");
    assertThat(ood.step()).isEqualTo(10);
    assertThat(ood.set()).isEqualTo("boxnet");
    assertThat(ood.outOfDistribution()).isTrue();

    // a Kestra retry evaluates phase 1 again (named by its path this time): replaced
    String sameCheckpoint = Path.of(URI.create(phase1)) + "/";
    record(store, report("prorl", sameCheckpoint, new CheckpointId("r1", 1, 10), 0.5), T2);
    BoundaryHistory again = BoundaryHistory.read(store, "r1");
    assertThat(again.entries()).hasSize(4);
    assertThat(again.entries().get(2).passAtK().get(1)).isEqualTo(0.5);
    assertThat(again.entries().get(2).evaluatedAt()).isEqualTo("2025-06-01T11:00:00Z");
    assertThat(again.entries().get(0)).isEqualTo(first); // the base's entries are untouched

    // the next phase ends: the history grows; the file store left no temporary file behind
    record(
        store, report("prorl", checkpoint(store, 2, 10), new CheckpointId("r1", 2, 10), 0.6), T2);
    assertThat(BoundaryHistory.read(store, "r1").entries()).hasSize(6);
    assertThat(store.list("r1/")).containsExactly("r1/boundary-history.json");
    try (var files = Files.list(tmp.resolve("ckpt/r1"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly("boundary-history.json");
    }
  }

  @Test
  void aPolicyOutsideTheRunKeepsItsNameAndNoPhase() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    record(store, report("qwen", "s3://models/qwen/", null, 0.2), T1);
    record(
        store,
        report("other-run", "/x/r9/phase-0001/step-000005/", new CheckpointId("r9", 1, 5), 0.2),
        T1);
    record(store, report("prorl", checkpoint(store, 1, 3), new CheckpointId("r1", 1, 3), 0.4), T1);
    List<BoundaryHistory.Entry> e = BoundaryHistory.read(store, "r1").entries();
    assertThat(e)
        .extracting(BoundaryHistory.Entry::label)
        .containsExactly("phase-0001", "phase-0001", "qwen", "qwen", "other-run", "other-run");
    assertThat(e.get(2).phase()).isNull();
    assertThat(e.get(2).step()).isNull();
    assertThat(e.get(4).phase()).isNull();
    String json = Files.readString(tmp.resolve("ckpt/r1/boundary-history.json"));
    assertThat(Json.MAPPER.readTree(json).path("entries").get(2).has("phase")).isFalse();
  }

  @Test
  void aFileThatBreaksTheSchemaIsRefusedNamingTheField() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    record(store, report("base", checkpoint(store, 0, 0), new CheckpointId("r1", 0, 0), 0.1), T1);
    Path file = tmp.resolve("ckpt/r1/boundary-history.json");
    ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(Files.readString(file));
    ((ObjectNode) doc.path("entries").get(1)).remove("set");
    ((ObjectNode) doc.path("entries").get(0).path("passAtK")).put("1", 1.5);
    Files.writeString(file, doc.toString());

    assertThatThrownBy(() -> BoundaryHistory.read(store, "r1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "boundary history "
                + file.toUri()
                + " does not match /schemas/boundary-history.schema.json: ")
        .hasMessageContaining("field entries[0].passAtK.1: ")
        .hasMessageContaining("field entries[1]: ")
        .hasMessageContaining("set");
    // and nothing is merged into a broken file
    assertThatThrownBy(() -> record(store, report("base", checkpoint(store, 0, 0), null, 0.1), T2))
        .hasMessageContaining("field entries[1]");
  }

  @Test
  void aFileOfAnotherRunIsRefused() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    record(store, report("base", checkpoint(store, 0, 0), new CheckpointId("r1", 0, 0), 0.1), T1);
    Files.createDirectories(tmp.resolve("ckpt/r2"));
    Files.copy(
        tmp.resolve("ckpt/r1/boundary-history.json"), tmp.resolve("ckpt/r2/boundary-history.json"));
    assertThatThrownBy(() -> BoundaryHistory.read(store, "r2"))
        .hasMessageEndingWith("field runId: the file belongs to run r1, not r2");
  }

  @Test
  void theHistoryLivesOnS3BesideTheCheckpoints() throws Exception {
    try (S3MockServer server = S3MockServer.start("models");
        S3CheckpointStore store = S3CheckpointStore.open("s3://models/ckpt", server.settings())) {
      Path local = tmp.resolve("copy.json");
      URI uri =
          BoundaryHistory.record(
              store,
              "r1",
              report("base", checkpoint(store, 0, 0), new CheckpointId("r1", 0, 0), 0.1),
              T1,
              local);
      record(
          store, report("prorl", checkpoint(store, 1, 4), new CheckpointId("r1", 1, 4), 0.3), T1);
      record(
          store, report("prorl", checkpoint(store, 1, 4), new CheckpointId("r1", 1, 4), 0.35), T2);
      assertThat(uri).hasToString("s3://models/ckpt/r1/boundary-history.json");
      BoundaryHistory h = BoundaryHistory.read(store, "r1");
      assertThat(h.checkpoints())
          .containsExactly(
              "s3://models/ckpt/r1/phase-0000/step-000000/",
              "s3://models/ckpt/r1/phase-0001/step-000004/");
      assertThat(h.entries()).hasSize(4);
      assertThat(h.entries().get(2).passAtK().get(1)).isEqualTo(0.35);
      assertThat(Files.readString(local)).contains("\"label\" : \"base\"");
    }
  }
}
