package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kestra's own model validation of every flow in flows/ and of bad ProRL task properties. */
class FlowValidationTest {
  private static FlowRunner runner;

  @BeforeAll
  static void start() throws Exception {
    runner = FlowRunner.start(Files.createTempDirectory("prorl-storage"));
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  static Path flows() {
    return Path.of(System.getProperty("prorl.flows", "../flows"));
  }

  @Test
  void everyFlowInTheRepositoryIsValid() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(flows())) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "prorl-quickstart.yaml",
            "prorl-train.yaml",
            "prorl-scheduled-retrain.yaml",
            "prorl-evaluate.yaml");
    for (Path f : files) {
      assertThat(runner.validate(f)).as(f.toString()).isEmpty();
    }
  }

  private static String trainPhase(String properties) {
    return """
    id: bad
    namespace: prorl.test
    tasks:
      - id: phase
        type: io.kestra.plugin.prorl.TrainPhase
        policy: file:///tmp/base
        checkpointRoot: file:///tmp/ckpt
    """
        + properties.indent(4);
  }

  @Test
  void clipHigherMustNotBeBelowClipLow() {
    List<String> v =
        runner.validateSource(
            trainPhase("dataset: file:///tmp/d.jsonl\nepsLow: 0.2\nepsHigh: 0.1"));
    assertThat(v).anySatisfy(m -> assertThat(m).contains("epsHigh (0.1) must be >= epsLow (0.2)"));
  }

  @Test
  void negativeKlCoefIsRefused() {
    List<String> v =
        runner.validateSource(trainPhase("dataset: file:///tmp/d.jsonl\nklCoef: -0.5"));
    assertThat(v).anySatisfy(m -> assertThat(m).contains("klCoef must be >= 0, got -0.5"));
  }

  @Test
  void missingDatasetUriIsRefused() {
    List<String> v = runner.validateSource(trainPhase("maxSteps: 3"));
    assertThat(v).anySatisfy(m -> assertThat(m).contains("dataset").contains("must not be null"));
  }

  @Test
  void unknownFamilyIsRefusedNamingTheEntry() {
    List<String> v =
        runner.validateSource(
            """
            id: bad
            namespace: prorl.test
            tasks:
              - id: dataset
                type: io.kestra.plugin.prorl.AssembleDataset
                generate:
                  - family: graph_colour
                    count: 10
            """);
    assertThat(v)
        .anySatisfy(
            m -> assertThat(m).contains("generate[0].family: unknown family 'graph_colour'"));
  }

  @Test
  void expressionsAreLeftForRunTime() {
    List<String> v =
        runner.validateSource(
            trainPhase("dataset: \"{{ inputs.d }}\"\nepsLow: \"{{ inputs.lo }}\"\nepsHigh: 0.1"));
    assertThat(v).isEmpty();
  }
}
