package io.prorl.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.MlflowStandIn;
import java.io.IOException;
import java.net.ServerSocket;
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

/** The tracker against the MLflow stand-in: lineage, batching, outages, refusals, retries. */
class TrackerTest {
  @TempDir Path tmp;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> infos = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  private final TrackingLog log =
      new TrackingLog() {
        @Override
        public void info(String message) {
          infos.add(message);
        }

        @Override
        public void warn(String message) {
          warnings.add(message);
        }
      };

  private MlflowSettings settings(String uri, boolean required, Duration flush) {
    return new MlflowSettings(
        uri, "prorl-test", null, null, null, tmp.resolve("spool"), required, flush, null);
  }

  private Tracker open(MlflowSettings s) throws IOException {
    return Tracker.open(s, new MlflowClientApi(s), log, () -> clock.incrementAndGet());
  }

  private static final TrackedRun EXECUTION =
      TrackedRun.root("prorl-test", "kestra/ex1", "prorl-train ex1", Map.of("kestra.flow", "f"));
  private static final TrackedRun PHASE =
      EXECUTION.child("kestra/ex1/phase-1", "phase 1", Map.of("prorl.phase", "1"));

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void nestedRunsParamsMetricsTagsArtifactsAndAModelVersionLandAsMlflowExpects() throws Exception {
    Path artifacts = tmp.resolve("artifacts");
    try (MlflowStandIn server = MlflowStandIn.start(artifacts.toUri().toString())) {
      Path report = Files.writeString(tmp.resolve("report.json"), "{\"pass@1\": 0.5}");
      Map<Long, Map<String, Double>> steps = new LinkedHashMap<>();
      try (Tracker t = open(settings(server.uri(), true, Duration.ofSeconds(30)))) {
        t.start(PHASE);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
          params.put("trainer.p" + i, Integer.toString(i)); // over the 100-params batch limit
        }
        t.logParams(PHASE, params);
        for (long step = 1; step <= 3; step++) {
          Map<String, Double> values = new LinkedHashMap<>();
          for (int i = 0; i < 400; i++) {
            values.put("m" + i, step * 1000.0 + i); // 1,200 points: over the 1,000-metric limit
          }
          values.put("kl", Double.NaN);
          steps.put(step, values);
          t.logMetrics(PHASE, step, values);
        }
        t.setTags(PHASE, Map.of("prorl.checkpoint", "s3://b/run/phase-0001/step-000003/"));
        t.end(PHASE, "FINISHED");
        t.logArtifact(EXECUTION, "evaluation/report.json", report);
        t.registerModel(
            EXECUTION, "prorl-policy", "s3://b/run/phase-0001/step-000003/", Map.of("k", "v"));
        t.end(EXECUTION, "FINISHED");
      }
      assertThat(server.violations()).isEmpty();
      assertThat(server.experiments()).containsKey("prorl-test");
      MlflowStandIn.Run parent = server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1").orElseThrow();
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(server.runs()).hasSize(2);
      assertThat(parent.tags)
          .containsEntry("kestra.flow", "f")
          .doesNotContainKey("mlflow.parentRunId");
      assertThat(phase.tags)
          .containsEntry(TrackedRun.PARENT_TAG, parent.id)
          .containsEntry(TrackedRun.NAME_TAG, "phase 1")
          .containsEntry("prorl.phase", "1")
          .containsEntry("prorl.checkpoint", "s3://b/run/phase-0001/step-000003/");
      assertThat(phase.params).hasSize(150).containsEntry("trainer.p149", "149");
      assertThat(phase.metrics.get("m399"))
          .extracting(MlflowStandIn.Point::step, MlflowStandIn.Point::value)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1L, 1399.0),
              org.assertj.core.groups.Tuple.tuple(2L, 2399.0),
              org.assertj.core.groups.Tuple.tuple(3L, 3399.0));
      assertThat(phase.metrics.get("kl")).allMatch(p -> Double.isNaN(p.value()));
      assertThat(phase.status).isEqualTo("FINISHED");
      assertThat(phase.endTime).isNotNull();
      assertThat(parent.status).isEqualTo("FINISHED");
      assertThat(Path.of(java.net.URI.create(parent.artifactUri)).resolve("evaluation/report.json"))
          .hasContent("{\"pass@1\": 0.5}");
      assertThat(server.versions("prorl-policy"))
          .containsExactly(
              new MlflowStandIn.ModelVersion(
                  "prorl-policy",
                  "1",
                  "s3://b/run/phase-0001/step-000003/",
                  parent.id,
                  Map.of("k", "v")));
      assertThat(Spool.list(tmp.resolve("spool"))).isEmpty();
      assertThat(warnings).isEmpty();
    }
  }

  @Test
  void aRetriedTaskContinuesTheSameRunAndRegistersOnce() throws Exception {
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      for (int attempt = 1; attempt <= 2; attempt++) {
        try (Tracker t = open(settings(server.uri(), true, Duration.ofSeconds(30)))) {
          t.start(PHASE);
          t.logParams(PHASE, Map.of("lr", "0.0001"));
          t.logMetrics(PHASE, attempt, Map.of("reward", attempt * 0.1));
          t.end(PHASE, attempt == 1 ? "FAILED" : "FINISHED");
          t.registerModel(EXECUTION, "m", "s3://b/c/", Map.of());
        }
      }
      assertThat(server.violations()).isEmpty();
      assertThat(server.runs()).hasSize(2);
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.status).isEqualTo("FINISHED");
      assertThat(phase.metrics.get("reward"))
          .extracting(MlflowStandIn.Point::step)
          .containsExactly(1L, 2L);
      assertThat(server.versions("m")).hasSize(1);
    }
  }

  @Test
  void whileTheServerIsDownNothingIsLostAndALaterTrackerDeliversInOrder() throws Exception {
    int port = freePort();
    MlflowStandIn server = MlflowStandIn.onPort(port, tmp.toUri().toString());
    String uri = "http://127.0.0.1:" + port;
    try (Tracker t = open(settings(uri, false, Duration.ofMillis(300)))) {
      t.start(PHASE);
      t.logMetrics(PHASE, 1, Map.of("reward", 0.25));
      t.logMetrics(PHASE, 2, Map.of("reward", 0.5));
      t.end(PHASE, "FAILED");
    }
    assertThat(warnings).anyMatch(w -> w.contains("MLflow unreachable"));
    assertThat(warnings)
        .anyMatch(w -> w.contains("4 tracking operations not delivered") && w.contains("spool"));
    assertThat(Spool.list(tmp.resolve("spool"))).hasSize(1);

    server.start();
    try {
      try (Tracker t = open(settings(uri, true, Duration.ofSeconds(30)))) {
        t.start(PHASE);
        t.logMetrics(PHASE, 3, Map.of("reward", 0.75));
        t.end(PHASE, "FINISHED");
      }
      assertThat(infos).anyMatch(i -> i.contains("4 tracking operations left undelivered"));
      assertThat(server.violations()).isEmpty();
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.metrics.get("reward"))
          .extracting(MlflowStandIn.Point::step, MlflowStandIn.Point::value)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1L, 0.25),
              org.assertj.core.groups.Tuple.tuple(2L, 0.5),
              org.assertj.core.groups.Tuple.tuple(3L, 0.75));
      // timestamps are those of the moment of logging, not of the late delivery
      List<Long> times =
          phase.metrics.get("reward").stream().map(MlflowStandIn.Point::timestamp).toList();
      assertThat(times)
          .isSorted()
          .allMatch(ts -> ts > 1_700_000_000_000L && ts < 1_700_000_000_100L);
      assertThat(phase.status).isEqualTo("FINISHED");
      assertThat(Spool.list(tmp.resolve("spool"))).isEmpty();
    } finally {
      server.close();
    }
  }

  @Test
  void anOutageInTheMiddleIsWaitedOut() throws Exception {
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      try (Tracker t = open(settings(server.uri(), true, Duration.ofSeconds(30)))) {
        t.start(PHASE);
        t.logMetrics(PHASE, 1, Map.of("reward", 0.1));
        server.answer503(true);
        t.logMetrics(PHASE, 2, Map.of("reward", 0.2));
        io.prorl.engine.Poll.until(
            Duration.ofSeconds(20), Duration.ofMillis(20), () -> !warnings.isEmpty());
        assertThat(t.pending()).isPositive();
        server.answer503(false);
        t.logMetrics(PHASE, 3, Map.of("reward", 0.3));
        t.end(PHASE, "FINISHED");
      }
      assertThat(warnings).singleElement().asString().contains("MLflow unreachable", "503");
      assertThat(infos).anyMatch(i -> i.startsWith("MLflow reachable again"));
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.metrics.get("reward"))
          .extracting(MlflowStandIn.Point::step)
          .containsExactly(1L, 2L, 3L);
      assertThat(server.violations()).isEmpty();
    }
  }

  @Test
  void requiredTrackingFailsTheTaskWhenDataIsUndelivered() throws Exception {
    String uri = "http://127.0.0.1:" + freePort();
    Tracker t = open(settings(uri, true, Duration.ofMillis(200)));
    t.start(PHASE);
    assertThatThrownBy(t::close)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("mlflowRequired")
        .hasMessageContaining("1 tracking operations not delivered to " + uri);
  }

  @Test
  void aRefusedOperationIsSetAsideAndTheRestIsDelivered() throws Exception {
    try (MlflowStandIn server = MlflowStandIn.start(tmp.toUri().toString())) {
      try (Tracker t = open(settings(server.uri(), false, Duration.ofSeconds(30)))) {
        t.start(PHASE);
        t.logParams(PHASE, Map.of("lr", "0.1"));
        t.logParams(PHASE, Map.of("lr", "0.2")); // MLflow params are written once
        t.logMetrics(PHASE, 1, Map.of("reward", 1.0));
      }
      MlflowStandIn.Run phase =
          server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1/phase-1").orElseThrow();
      assertThat(phase.params).containsEntry("lr", "0.1");
      assertThat(phase.metrics).containsKey("reward");
      // MLflow's client sends a refused request three times before it gives up
      assertThat(server.violations())
          .isNotEmpty()
          .allMatch(v -> v.contains("param lr was '0.1', cannot change to '0.2'"));
      assertThat(warnings)
          .anyMatch(w -> w.contains("MLflow refused a log of run kestra/ex1/phase-1"));
      assertThat(warnings).anyMatch(w -> w.contains("1 tracking operations were refused"));
      try (var files = Files.list(tmp.resolve("spool"))) {
        Path rejected =
            files.filter(p -> p.toString().endsWith(".rejected.jsonl")).findFirst().orElseThrow();
        assertThat(Files.readString(rejected)).contains("0.2").contains("HTTP 400");
      }
    }
  }

  @Test
  void configsFlattenToDottedParams() {
    record Loss(double epsLow, double epsHigh) {}
    record Config(int steps, Loss loss, List<Integer> ks, String none) {}
    assertThat(ConfigParams.of("trainer", new Config(10, new Loss(0.2, 0.28), List.of(1, 4), null)))
        .containsExactly(
            Map.entry("trainer.steps", "10"),
            Map.entry("trainer.loss.epsLow", "0.2"),
            Map.entry("trainer.loss.epsHigh", "0.28"),
            Map.entry("trainer.ks", "[1,4]"));
  }
}
