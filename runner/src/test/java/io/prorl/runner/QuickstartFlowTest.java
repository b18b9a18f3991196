package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.tasks.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The README's main job on test-size inputs, through the same command: Kestra's runner executes
 * flows/prorl-quickstart.yaml end to end; the outputs file is checked against what the tasks wrote
 * (checkpoints on disk, evaluation report, lineage labels).
 */
class QuickstartFlowTest {
  @TempDir Path tmp;

  @Test
  void quickstartFlowRunsEndToEndThroughKestra() throws Exception {
    Path out = tmp.resolve("out.json");
    Path checkpoints = tmp.resolve("ckpt");
    int code =
        RunCommand.execute(
            new String[] {
              "run",
              FlowValidationTest.flows().resolve("prorl-quickstart.yaml").toString(),
              "--input",
              "problems=300",
              "--input",
              "warmStartSteps=10",
              "--input",
              "stepsPerPhase=2",
              "--input",
              "evalProblems=4",
              "--input",
              "evalSamples=2",
              "--input",
              "checkpointRoot=" + checkpoints.toUri(),
              "--outputs",
              out.toString()
            });
    JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
    assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
    assertThat(code).isZero();
    String executionId = doc.path("executionId").asString();
    JsonNode outputs = doc.path("outputs");

    // dataset -> base -> phase1 -> phase2 -> phase3 -> evaluation
    JsonNode dataset = outputs.path("dataset");
    assertThat(dataset.path("trainCount").asInt()).isPositive();
    assertThat(Path.of(dataset.path("train").asString())).exists(); // copied from kestra://
    String base = outputs.path("base").path("checkpoint").asString();
    assertThat(base).contains(executionId + "/phase-0000/step-000000/");
    String previous = base;
    for (int phase = 1; phase <= 3; phase++) {
      JsonNode p = outputs.path("phase" + phase);
      assertThat(p.path("phase").asInt()).isEqualTo(phase);
      assertThat(p.path("startedFrom").asString()).isEqualTo(previous);
      assertThat(p.path("stopReason").asString()).isEqualTo("MAX_STEPS");
      assertThat(p.path("steps").asInt()).isEqualTo(2);
      String checkpoint = p.path("checkpoint").asString();
      assertThat(checkpoint).endsWith(String.format("/phase-%04d/step-000002/", phase));
      Path dir = Path.of(URI.create(checkpoint));
      Checkpointer.verifyLocal(dir);
      assertThat(dir.resolve("config.json")).exists();
      assertThat(dir.resolve("model.safetensors")).exists();
      assertThat(dir.resolve("tokenizer.json")).exists();
      assertThat(Files.readAllLines(Path.of(p.path("metrics").asString()))).hasSize(2);
      previous = checkpoint;
    }
    JsonNode evaluate = outputs.path("evaluate");
    assertThat(evaluate.path("passAtK").path("base").has("1")).isTrue();
    assertThat(evaluate.path("passAtK").path("prorl").has("2")).isTrue();
    JsonNode report =
        Json.MAPPER.readTree(Files.readString(Path.of(evaluate.path("report").asString())));
    Schema schema;
    try (var in = Files.newInputStream(Path.of("../schemas/evaluation-report.schema.json"))) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
    assertThat(schema.validate(report)).isEmpty();
    assertThat(report.path("policies").get(1).path("policy").asString()).isEqualTo(previous);

    assertThat(doc.path("labels").toString())
        .contains("prorl.checkpoint")
        .contains(previous)
        .contains(dataset.path("sha256").asString());
  }
}
