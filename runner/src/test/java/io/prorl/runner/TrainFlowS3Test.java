package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.S3MockServer;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.tasks.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * flows/prorl-train.yaml at test size with its checkpoints on a real S3 server (S3Mock on
 * 127.0.0.1): warm start, a Loop of two phases, the run's latest checkpoint, evaluation, labels.
 */
class TrainFlowS3Test {
  @TempDir Path tmp;

  @Test
  void trainFlowCheckpointsToS3AndLeavesLineage() throws Exception {
    try (S3MockServer server = S3MockServer.start("models")) {
      Path out = tmp.resolve("out.json");
      int code =
          RunCommand.execute(
              new String[] {
                "run",
                FlowValidationTest.flows().resolve("prorl-train.yaml").toString(),
                "--input",
                "generatedProblems=200",
                "--input",
                "warmStartSteps=5",
                "--input",
                "phases=2",
                "--input",
                "stepsPerPhase=2",
                "--input",
                "checkpointEvery=1",
                "--input",
                "keepLast=1",
                "--input",
                "runId=s3-run",
                "--input",
                "checkpointRoot=s3://models/prorl",
                "--input",
                "s3Endpoint=" + server.endpoint(),
                "--input",
                "s3AccessKeyId=" + S3MockServer.ACCESS_KEY,
                "--input",
                "s3SecretAccessKey=" + S3MockServer.SECRET_KEY,
                "--outputs",
                out.toString()
              });
      JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
      assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
      assertThat(code).isZero();
      String last = doc.path("outputs").path("final").path("checkpoint").asString();
      assertThat(last).isEqualTo("s3://models/prorl/s3-run/phase-0002/step-000002/");
      assertThat(doc.path("labels").toString()).contains(last).contains("s3-run");
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
        String manifest;
        try (var in = store.get("s3-run/phase-0002/step-000002/MANIFEST.json")) {
          manifest = new String(in.readAllBytes());
        }
        assertThat(manifest)
            .contains("\"parent\" : \"s3://models/prorl/s3-run/phase-0001/step-000002/\"")
            .contains(doc.path("outputs").path("dataset").path("sha256").asString())
            .contains("kestra.execution");
      }
      assertThat(Files.readString(out)).doesNotContain(S3MockServer.SECRET_KEY);
    }
  }
}
