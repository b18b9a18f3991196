package io.prorl.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.MlflowStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker against the rules a real MLflow server enforces (mlflow/server/handlers.py,
 * mlflow/utils/validation.py), played by the stand-in: key rules, model-version sources and tag
 * lengths, the mlflow-artifacts proxy, a call that fails for good while the rest succeed, and
 * refused credentials.
 */
class MlflowServerRulesTest {
  @TempDir Path tmp;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final TrackingLog log =
      new TrackingLog() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {
          warnings.add(message);
        }
      };

  private static final TrackedRun EXECUTION =
      TrackedRun.root("prorl-test", "kestra/ex1", "prorl-train ex1", Map.of());
  private static final TrackedRun PHASE =
      EXECUTION.child("kestra/ex1/phase-1", "phase 1", Map.of("prorl.phase", "1"));

  private Tracker open(String uri, String token, Duration flush) throws IOException {
    MlflowSettings s =
        new MlflowSettings(
            uri, "prorl-test", token, null, null, tmp.resolve("spool"), false, flush, null);
    return Tracker.open(s, new MlflowClientApi(s), log, clock::incrementAndGet);
  }

  private String rejectedText() throws IOException {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(tmp.resolve("spool"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".rejected.jsonl")).toList()) {
        out.append(Files.readString(p));
      }
    }
    return out.toString();
  }

  @Test
  void keysFollowMlflowsNameRulesAndOneBadKeyRefusesItsWholeBatch() throws Exception {
    assertThat(MlflowStandIn.keyProblem("prorl.phase")).isNull();
    assertThat(MlflowStandIn.keyProblem("eval/pass@1")).isNotNull(); // '@' is not allowed
    for (String bad : List.of("/lead", "trail/", "a//b", "a/../b", "..", "./a", "")) {
      assertThat(MlflowStandIn.keyProblem(bad)).as(bad).isNotNull();
    }
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      try (Tracker t = open(server.uri(), null, Duration.ofSeconds(30))) {
        t.start(PHASE);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("fine", "1");
        tags.put("a//b", "2");
        t.setTags(PHASE, tags);
        t.logParams(PHASE, Map.of("lr", "0.1"));
      }
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.tags).doesNotContainKeys("fine", "a//b");
      assertThat(phase.params).containsEntry("lr", "0.1");
      assertThat(rejectedText()).contains("a//b").contains("HTTP 400");
    }
  }

  @Test
  void aLocalCheckpointIsNotRegisteredAndALongVersionTagIsRefusedAlone() throws Exception {
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      try (Tracker t = open(server.uri(), null, Duration.ofSeconds(30))) {
        t.start(EXECUTION);
        assertThat(t.registerModel(EXECUTION, "m", "file:///ckpt/phase-0001/", Map.of())).isFalse();
        assertThat(t.registerModel(EXECUTION, "m", "/ckpt/phase-0001/", Map.of())).isFalse();
        assertThat(t.registerModel(EXECUTION, "m", "s3://b/long/", Map.of("k", "x".repeat(5001))))
            .isTrue();
        assertThat(t.registerModel(EXECUTION, "m", "s3://b/ok/", Map.of("k", "x".repeat(5000))))
            .isTrue();
        t.end(EXECUTION, "FINISHED");
      }
      assertThat(warnings)
          .filteredOn(w -> w.contains("is not registered"))
          .hasSize(2)
          .allMatch(w -> w.contains("refuses a source on the local file system"));
      assertThat(server.versions("m"))
          .extracting(MlflowStandIn.ModelVersion::source)
          .containsExactly("s3://b/ok/");
      assertThat(rejectedText()).contains("exceeds the maximum length of 5000");
      assertThat(server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1").orElseThrow().status)
          .isEqualTo("FINISHED");
    }
  }

  @Test
  void artifactsGoThroughTheMlflowArtifactsProxyWithOrWithoutHostAndPort() throws Exception {
    Path report = Files.writeString(tmp.resolve("report.json"), "{\"pass@1\": 0.5}");
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      for (boolean withAuthority : List.of(true, false)) {
        server.proxyArtifacts(withAuthority);
        TrackedRun run =
            TrackedRun.root("prorl-test", "kestra/ex-" + withAuthority, "ex", Map.of());
        try (Tracker t = open(server.uri(), null, Duration.ofSeconds(30))) {
          t.start(run);
          t.logArtifact(run, "evaluation/report.json", report);
          t.end(run, "FINISHED");
        }
        MlflowStandIn.Run stored =
            server.runTagged(TrackedRun.KEY_TAG, "kestra/ex-" + withAuthority).orElseThrow();
        assertThat(stored.artifactUri)
            .startsWith(withAuthority ? "mlflow-artifacts://127.0.0.1:" : "mlflow-artifacts:/");
        String key = stored.experimentId + "/" + stored.id + "/artifacts/evaluation/report.json";
        assertThat(server.proxiedArtifacts()).containsKey(key);
        assertThat(new String(server.proxiedArtifacts().get(key))).isEqualTo("{\"pass@1\": 0.5}");
      }
      assertThat(server.violations()).isEmpty();
    }
  }

  @Test
  void aCallThatFailsForGoodIsSetAsideSoTheRunsFinalStatusStillArrives() throws Exception {
    Path report = Files.writeString(tmp.resolve("report.json"), "{}");
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      server.proxyArtifacts(false);
      server.failAlways("PUT mlflow-artifacts", 503); // as a server with --no-serve-artifacts
      try (Tracker t = open(server.uri(), null, Duration.ofSeconds(60))) {
        t.start(PHASE);
        t.logArtifact(PHASE, "report.json", report);
        t.logMetrics(PHASE, 1, Map.of("reward", 0.5));
        t.end(PHASE, "FINISHED");
      }
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.status).isEqualTo("FINISHED");
      assertThat(phase.metrics).containsKey("reward");
      assertThat(rejectedText())
          .contains("HTTP 503")
          .contains(Courier.SERVER_ERROR_ATTEMPTS + " times in a row");
    }
  }

  @Test
  void refusedCredentialsSetNothingAsideAndAFixedTokenDeliversEverything() throws Exception {
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      server.requireToken("right-token");
      try (Tracker t = open(server.uri(), "wrong-token", Duration.ofSeconds(5))) {
        t.start(PHASE);
        t.logMetrics(PHASE, 1, Map.of("reward", 0.25));
        t.end(PHASE, "FAILED");
      }
      assertThat(warnings).anyMatch(w -> w.contains("MLflow refused the credentials"));
      assertThat(warnings).anyMatch(w -> w.contains("3 tracking operations not delivered"));
      assertThat(rejectedText()).isEmpty();
      assertThat(server.runs()).isEmpty();

      try (Tracker t = open(server.uri(), "right-token", Duration.ofSeconds(30))) {
        t.start(PHASE);
        t.logMetrics(PHASE, 2, Map.of("reward", 0.5));
        t.end(PHASE, "FINISHED");
      }
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.metrics.get("reward"))
          .extracting(MlflowStandIn.Point::step)
          .containsExactly(1L, 2L);
      assertThat(phase.status).isEqualTo("FINISHED");
      assertThat(Spool.list(tmp.resolve("spool"))).isEmpty();
    }
  }

  @Test
  void theTrainingThreadNeverWaitsForAServerThatDoesNotAnswer() throws Exception {
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      server.holdAnswers();
      try (Tracker t = open(server.uri(), null, Duration.ofSeconds(30))) {
        t.start(PHASE);
        for (long step = 1; step <= 50; step++) {
          t.logMetrics(PHASE, step, Map.of("reward", step / 100.0));
        }
        t.end(PHASE, "FINISHED");
        // every call above returned while the server had answered nothing
        assertThat(server.requests()).hasSizeLessThanOrEqualTo(1);
        assertThat(t.pending()).isEqualTo(52);
        server.releaseAnswers();
      }
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.metrics.get("reward")).hasSize(50);
      assertThat(phase.status).isEqualTo("FINISHED");
    }
  }
}
