package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.MlflowStandIn;
import io.prorl.engine.S3MockServer;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.tracking.TrackedRun;
import io.prorl.tasks.Json;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * flows/prorl-train.yaml at test size with its checkpoints on a real S3 server (S3Mock on
 * 127.0.0.1) and tracking to the MLflow stand-in (MLflow's REST API checked request by request, run
 * artifacts on the same S3 server): warm start, a LoopUntil of phases until the run's 4-step budget
 * is spent (two phases of 2), the boundary after the base and each phase, the report, the run's
 * latest checkpoint, evaluation, labels, the MLflow run closed with the final checkpoint
 * registered. The S3 connection comes from a server configuration (kestra.plugins.configurations)
 * given to the run command, as a Kestra admin would set it; the flow names no credential.
 */
class TrainFlowS3Test {
  private static final java.util.List<String> S3_TASKS =
      java.util.List.of(
          "AssembleDataset",
          "WarmStart",
          "TrainPhase",
          "Evaluate",
          "RunReport",
          "LatestCheckpoint",
          "EndMlflowRun");

  /** Distinctive secrets: the test searches everything the run produced for them. */
  private static final String S3_SECRET = "s3-secret-5b8e1d0c";

  private static final String MLFLOW_TOKEN = "mlflow-token-a41f9e77";
  private static final java.util.List<String> TRACKED_TASKS =
      java.util.List.of("TrainPhase", "Evaluate", "RunReport", "EndMlflowRun");

  @TempDir Path tmp;

  @Test
  void trainFlowCheckpointsToS3AndLeavesLineage() throws Exception {
    try (S3MockServer server = S3MockServer.start("models");
        MlflowStandIn mlflow = MlflowStandIn.start("s3://models/mlflow")) {
      Path out = tmp.resolve("out.json");
      // the S3 connection is the server's, as a Kestra admin sets it: one plugin configuration per
      // task type; the flow names no endpoint or credential
      Path serverConfig = serverConfig(server);
      // a code family in the mix (its programs are scored in the bubblewrap sandbox)
      Path code = tmp.resolve("code.jsonl");
      ProblemJsonl.write(
          TaskFamilies.builtIn().generate("code", java.util.Map.of("tests", 2), 3, 40), code);
      LogCapture logs = LogCapture.capture();
      int exit =
          RunCommand.execute(
              new String[] {
                "run",
                FlowValidationTest.flows().resolve("prorl-train.yaml").toString(),
                "--input",
                "generatedProblems=200",
                "--input",
                "sources=[\"" + code.toUri() + "\"]",
                "--input",
                "warmStartSteps=5",
                "--input",
                "runSteps=4",
                "--input",
                "maxStepsPerPhase=2",
                "--input",
                "evalProblems=2",
                "--input",
                "evalSamples=2",
                "--input",
                "checkpointEvery=1",
                "--input",
                "keepLast=1",
                "--input",
                "runId=s3-run",
                "--input",
                "checkpointRoot=s3://models/prorl",
                "--input",
                "mlflowUri=" + mlflow.uri(),
                "--input",
                "mlflowRequired=true",
                "--config",
                serverConfig.toString(),
                "--outputs",
                out.toString()
              });
      logs.stop();
      JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
      assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
      assertThat(exit).isZero();
      assertThat(doc.path("outputs").path("dataset").path("trainPerFamily").path("code").asInt())
          .isGreaterThan(30);
      String last = doc.path("outputs").path("final").path("checkpoint").asString();
      assertThat(last).isEqualTo("s3://models/prorl/s3-run/phase-0002/step-000002/");
      java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
      doc.path("labels")
          .forEach(l -> labels.put(l.path("key").asString(), l.path("value").asString()));
      assertThat(labels)
          .containsEntry("prorl.checkpoint", last)
          .containsEntry("prorl.run", "s3-run");
      assertThat(doc.path("outputs").path("base").path("checkpoint").asString())
          .isEqualTo("s3://models/prorl/s3-run/phase-0000/step-000000/");

      try (S3CheckpointStore store =
          S3CheckpointStore.open("s3://models/prorl", server.settings())) {
        List<String> manifests =
            store.list("s3-run/").stream().filter(k -> k.endsWith(Checkpointer.MANIFEST)).toList();
        // keepLast=1: the step-1 resume points are gone; base, phase starts and ends stay
        assertThat(manifests)
            .containsExactly(
                "s3-run/phase-0000/step-000000/MANIFEST.json",
                "s3-run/phase-0001/step-000000/MANIFEST.json",
                "s3-run/phase-0001/step-000002/MANIFEST.json",
                "s3-run/phase-0002/step-000000/MANIFEST.json",
                "s3-run/phase-0002/step-000002/MANIFEST.json");
        assertThat(store.list("s3-run/phase-0001/step-000001/")).isEmpty();
        // the boundary after the base and each phase, and the report, beside the checkpoints
        assertThat(store.exists("s3-run/boundary-history.json")).isTrue();
        assertThat(store.exists("s3-run/report/boundary.png")).isTrue();
        assertThat(store.exists("s3-run/report/training-curves.png")).isTrue();
        assertThat(doc.path("outputs").path("report").path("boundary").has("phase-0002")).isTrue();
        String report =
            "s3-run/evaluation/" + doc.path("executionId").asString() + "/evaluation-report.json";
        assertThat(store.exists(report)).isTrue();
        assertThat(doc.path("outputs").path("evaluate").path("reportUri").asString())
            .isEqualTo("s3://models/prorl/" + report);
        String manifest;
        try (var in = store.get("s3-run/phase-0002/step-000002/MANIFEST.json")) {
          manifest = new String(in.readAllBytes());
        }
        assertThat(manifest)
            .contains("\"parent\" : \"s3://models/prorl/s3-run/phase-0001/step-000002/\"")
            .contains(doc.path("outputs").path("dataset").path("sha256").asString())
            .contains("kestra.execution");
      }
      assertMlflowLineage(mlflow, server, doc, last);
      assertNoSecretIn(out, logs, mlflow, server);
    }
  }

  /**
   * The server configuration a Kestra admin would write: the S3 connection for every task type that
   * reads S3, the MLflow token for every tracked one.
   */
  private Path serverConfig(S3MockServer server) throws java.io.IOException {
    StringBuilder config = new StringBuilder("kestra:\n  plugins:\n    configurations:\n");
    for (String task : S3_TASKS) {
      config
          .append("      - type: io.kestra.plugin.prorl.")
          .append(task)
          .append("\n        values:\n")
          .append("          s3Endpoint: ")
          .append(server.endpoint())
          .append("\n          s3AccessKeyId: ")
          .append(S3MockServer.ACCESS_KEY)
          .append("\n          s3SecretAccessKey: ")
          .append(S3_SECRET)
          .append('\n');
      if (TRACKED_TASKS.contains(task)) {
        config.append("          mlflowToken: ").append(MLFLOW_TOKEN).append('\n');
      }
    }
    Path serverConfig = tmp.resolve("server.yml");
    Files.writeString(serverConfig, config);
    return serverConfig;
  }

  @Test
  void aFailedRunLeaksNoSecretEither() throws Exception {
    try (S3MockServer server = S3MockServer.start("models")) {
      Path flow = tmp.resolve("fails.yaml");
      Files.writeString(
          flow,
          """
          id: fails
          namespace: prorl
          tasks:
            - id: dataset
              type: io.kestra.plugin.prorl.AssembleDataset
              generate:
                - {family: graph_color, count: 20, seed: 1}
            - id: base
              type: io.kestra.plugin.prorl.WarmStart
              dataset: "{{ outputs.dataset.train }}"
              checkpointRoot: s3://no-such-bucket/prorl
              steps: 1
          """);
      Path out = tmp.resolve("fails.json");
      LogCapture logs = LogCapture.capture();
      int exit =
          RunCommand.execute(
              new String[] {
                "run",
                flow.toString(),
                "--config",
                serverConfig(server).toString(),
                "--outputs",
                out.toString()
              });
      logs.stop();
      assertThat(exit).isOne();
      String doc = Files.readString(out);
      assertThat(Json.MAPPER.readTree(doc).path("state").asString()).isEqualTo("FAILED");
      String logText = String.join("\n", logs.lines());
      assertThat(logText).as("the failure is logged").contains("no-such-bucket");
      for (String produced : List.of(doc, logText)) {
        assertThat(produced).doesNotContain(S3_SECRET).doesNotContain(MLFLOW_TOKEN);
      }
    }
  }

  /**
   * Neither the S3 secret key nor the MLflow token appears in anything the run produced: the
   * outputs file (task outputs, labels), every task log line at any level (and its exception), the
   * MLflow runs' names, tags, params and artifact locations, the model versions, the request paths,
   * and every object the run wrote to S3 (checkpoints, manifests, reports, artifacts).
   */
  private static void assertNoSecretIn(
      Path out, LogCapture logs, MlflowStandIn mlflow, S3MockServer server) throws Exception {
    java.util.Map<String, String> produced = new java.util.LinkedHashMap<>();
    produced.put("outputs file", Files.readString(out));
    assertThat(logs.lines()).as("task log lines captured").hasSizeGreaterThan(20);
    produced.put("task logs", String.join("\n", logs.lines()));
    StringBuilder tracking = new StringBuilder(mlflow.experiments().toString());
    for (MlflowStandIn.Run r : mlflow.runs()) {
      tracking.append(r.name).append(r.artifactUri).append(r.tags).append(r.params);
    }
    tracking.append(mlflow.versions("prorl-policy")).append(mlflow.requests());
    produced.put("MLflow", tracking.toString());
    try (S3CheckpointStore bucket = S3CheckpointStore.open("s3://models", server.settings())) {
      List<String> keys = bucket.list("");
      assertThat(keys).hasSizeGreaterThan(10);
      for (String key : keys) {
        try (var in = bucket.get(key)) {
          produced.put("s3://models/" + key, new String(in.readAllBytes(), "ISO-8859-1"));
        }
      }
    }
    for (var e : produced.entrySet()) {
      assertThat(e.getValue())
          .as(e.getKey())
          .doesNotContain(S3_SECRET)
          .doesNotContain(MLFLOW_TOKEN);
    }
  }

  /** One run for the execution, a nested run per phase, the evaluation, the model version. */
  private static void assertMlflowLineage(
      MlflowStandIn mlflow, S3MockServer s3, JsonNode doc, String last) throws Exception {
    assertThat(mlflow.violations()).isEmpty();
    assertThat(mlflow.experiments()).containsOnlyKeys("prorl");
    String execution = doc.path("executionId").asString();
    String sha = doc.path("outputs").path("dataset").path("sha256").asString();
    MlflowStandIn.Run run =
        mlflow
            .runTagged("kestra.execution", execution)
            .filter(r -> !r.tags.containsKey(TrackedRun.PARENT_TAG))
            .orElseThrow();
    assertThat(run.status).isEqualTo("FINISHED");
    assertThat(run.tags)
        .containsEntry("kestra.namespace", "prorl")
        .containsEntry("kestra.flow", "prorl-train")
        .containsEntry("prorl.run", "s3-run")
        .containsEntry("prorl.checkpoint", last)
        .containsEntry("prorl.dataset.sha256", sha);
    assertThat(run.metrics)
        .containsKeys(
            "eval.base.pass_at_1",
            "eval.prorl.pass_at_2",
            "eval.prorl.graph_color.pass_at_1",
            "eval.prorl.mean_reward");
    assertThat(doc.path("outputs").path("mlflow").path("mlflowRunId").asString()).isEqualTo(run.id);

    List<MlflowStandIn.Run> phases =
        mlflow.runs().stream()
            .filter(r -> run.id.equals(r.tags.get(TrackedRun.PARENT_TAG)))
            .toList();
    assertThat(phases).extracting(r -> r.tags.get("prorl.phase")).containsExactly("1", "2");
    for (MlflowStandIn.Run phase : phases) {
      int n = Integer.parseInt(phase.tags.get("prorl.phase"));
      assertThat(phase.status).isEqualTo("FINISHED");
      assertThat(phase.tags)
          .containsEntry("prorl.resets", Integer.toString(n - 1))
          .containsEntry("prorl.dataset.sha256", sha)
          .containsEntry(
              "prorl.checkpoint", "s3://models/prorl/s3-run/phase-000" + n + "/step-000002/")
          .containsEntry("prorl.stopReason", "MAX_STEPS")
          .containsEntry("kestra.execution", execution);
      assertThat(phase.params)
          .containsEntry("trainer.loss.epsLow", "0.2")
          .containsEntry("trainer.loss.epsHigh", "0.28")
          .containsEntry("limits.maxSteps", "2")
          .containsEntry("keepLast", "1");
      assertThat(phase.metrics.get("rewardMean"))
          .extracting(MlflowStandIn.Point::step)
          .containsExactly(1L, 2L);
      assertThat(phase.metrics)
          .containsKeys("kl", "entropy", "clipFractionHigh", "keptFraction", "gradNorm");
    }
    assertThat(phases.get(1).tags)
        .containsEntry(
            "prorl.parent.checkpoint", "s3://models/prorl/s3-run/phase-0001/step-000002/");

    assertThat(mlflow.versions("prorl-policy"))
        .singleElement()
        .satisfies(v -> {
          assertThat(v.source()).isEqualTo(last);
          assertThat(v.runId()).isEqualTo(run.id);
          assertThat(v.tags())
              .containsEntry("prorl.dataset.sha256", sha)
              .containsEntry("prorl.phase", "2")
              .containsEntry(
                  "prorl.parent.checkpoint", "s3://models/prorl/s3-run/phase-0001/step-000002/");
        });
    assertThat(doc.path("outputs").path("mlflow").path("modelVersion").asString()).isEqualTo("1");

    // reports and the dataset manifest written straight to the run's artifact location on S3
    try (S3CheckpointStore artifacts = S3CheckpointStore.open(run.artifactUri, s3.settings())) {
      assertThat(artifacts.list(""))
          .containsExactlyInAnyOrder(
              "dataset/dataset-manifest.json",
              "evaluation/evaluation-report.json",
              "evaluation/boundary-history.json",
              "report/boundary.png",
              "report/training-curves.png");
    }
  }
}
