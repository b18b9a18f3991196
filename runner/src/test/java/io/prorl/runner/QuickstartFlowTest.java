package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.tasks.Json;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The README's main job on test-size inputs, through the same command: Kestra's runner executes
 * flows/prorl-quickstart.yaml end to end: a mixed dataset with OOD sets, the base, phases in a
 * LoopUntil until the run's 4-step budget is spent (2 phases of at most 2 steps, each after a
 * reset), the boundary after the base and every phase, and the charts. The outputs file is checked
 * against what the tasks wrote.
 */
class QuickstartFlowTest {
  private static final List<String> SETS =
      List.of("arithmetic", "graph_color", "instruction", "boxnet", "graph_color_7v");

  @TempDir Path tmp;

  @Test
  void quickstartFlowRunsTheProRlLoopEndToEndThroughKestra() throws Exception {
    Path out = tmp.resolve("out.json");
    Path checkpoints = tmp.resolve("ckpt");
    int code =
        RunCommand.execute(
            new String[] {
              "run",
              FlowValidationTest.flows().resolve("prorl-quickstart.yaml").toString(),
              "--input",
              "problemsPerFamily=60",
              "--input",
              "warmStartSteps=5",
              "--input",
              "runSteps=4",
              "--input",
              "maxStepsPerPhase=2",
              "--input",
              "validateEvery=1",
              "--input",
              "patience=1",
              "--input",
              "validationProblems=2",
              "--input",
              "evalProblems=3",
              "--input",
              "evalSamples=4",
              "--input",
              "checkpointRoot=" + checkpoints.toUri(),
              "--outputs",
              out.toString()
            });
    JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
    assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
    assertThat(code).isZero();
    String run = doc.path("executionId").asString();
    JsonNode outputs = doc.path("outputs");

    // a mixed dataset: three trained families, two out-of-distribution sets
    JsonNode dataset = outputs.path("dataset");
    assertThat(fieldNames(dataset.path("trainPerFamily")))
        .containsExactlyInAnyOrder("arithmetic", "graph_color", "instruction");
    assertThat(fieldNames(dataset.path("ood")))
        .containsExactlyInAnyOrder("boxnet", "graph_color_7v");
    assertThat(Path.of(dataset.path("train").asString())).exists(); // copied from kestra://
    String base = outputs.path("base").path("checkpoint").asString();
    assertThat(base).contains(run + "/phase-0000/step-000000/");

    // the loop ran phases until the budget was spent; the last iteration's outputs remain
    JsonNode phase = outputs.path("phase");
    assertThat(phase.path("phase").asInt()).isEqualTo(2);
    assertThat(phase.path("runDone").asBoolean()).isTrue();
    assertThat(phase.path("runStopReason").asString()).isEqualTo("RUN_MAX_STEPS");
    assertThat(phase.path("runSteps").asInt()).isEqualTo(4);
    assertThat(phase.path("resets").asInt()).isEqualTo(1);
    assertThat(phase.path("validations").size()).isEqualTo(2);
    for (int p = 1; p <= 2; p++) {
      Path end =
          Path.of(URI.create(checkpoints.toUri() + run + "/phase-000" + p + "/step-000002/"));
      Checkpointer.verifyLocal(end);
      assertThat(end.resolve("model.safetensors")).exists();
      // every step with its validation check, for the training curves
      List<String> steps =
          Files.readAllLines(checkpoints.resolve(run + "/metrics/phase-000" + p + ".jsonl"));
      assertThat(steps).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"validation\":{"));
    }
    assertThat(phase.path("startedFrom").asString())
        .isEqualTo(checkpoints.toUri() + run + "/phase-0001/step-000002/");

    // the boundary after the base and after every phase, on every set, k = 1, 2, 4 = n
    Path history = checkpoints.resolve(run + "/boundary-history.json");
    JsonNode h = Json.MAPPER.readTree(Files.readString(history));
    Schema schema;
    try (var in = Files.newInputStream(Path.of("../schemas/boundary-history.schema.json"))) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
    assertThat(schema.validate(h)).isEmpty();
    assertThat(h.path("entries").size()).isEqualTo(3 * SETS.size());
    JsonNode boundary = outputs.path("report").path("boundary");
    assertThat(fieldNames(boundary)).containsExactly("base", "phase-0001", "phase-0002");
    for (String label : fieldNames(boundary)) {
      assertThat(fieldNames(boundary.path(label))).containsExactlyInAnyOrderElementsOf(SETS);
      for (String set : SETS) {
        assertThat(fieldNames(boundary.path(label).path(set))).containsExactly("1", "2", "4");
      }
    }

    // the pictures: task outputs (copied beside the outputs file) and beside the checkpoints
    for (String chart : List.of("boundaryChart", "trainingChart")) {
      BufferedImage png =
          ImageIO.read(Path.of(outputs.path("report").path(chart).asString()).toFile());
      assertThat(png.getWidth()).as(chart).isGreaterThan(500);
    }
    assertThat(checkpoints.resolve(run + "/report/boundary.png")).exists();
    assertThat(checkpoints.resolve(run + "/report/training-curves.png")).exists();
    // one reset, at phase 2's first step (step 3 of the run): phase 1's check after its step 2
    // brought no new best (patience 1), and a plateau is checked before the step limit
    assertThat(outputs.path("report").path("resets").size()).isEqualTo(1);
    assertThat(outputs.path("report").path("resets").get(0).asString())
        .isEqualTo("step 3 after PLATEAU");

    java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
    doc.path("labels")
        .forEach(l -> labels.put(l.path("key").asString(), l.path("value").asString()));
    assertThat(labels)
        .containsEntry("prorl.checkpoint", phase.path("checkpoint").asString())
        .containsEntry("prorl.dataset.sha256", dataset.path("sha256").asString());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }
}
