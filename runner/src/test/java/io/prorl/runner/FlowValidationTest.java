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

  @Test
  void everyPluginExampleIsAValidFlow() {
    List<Class<?>> tasks =
        List.of(
            io.kestra.plugin.prorl.AssembleDataset.class,
            io.kestra.plugin.prorl.WarmStart.class,
            io.kestra.plugin.prorl.TrainPhase.class,
            io.kestra.plugin.prorl.LatestCheckpoint.class,
            io.kestra.plugin.prorl.Evaluate.class,
            io.kestra.plugin.prorl.MergeEvaluations.class,
            io.kestra.plugin.prorl.Score.class,
            io.kestra.plugin.prorl.GpuInfo.class,
            io.kestra.plugin.prorl.EndMlflowRun.class);
    for (Class<?> task : tasks) {
      io.kestra.core.models.annotations.Plugin plugin =
          task.getAnnotation(io.kestra.core.models.annotations.Plugin.class);
      assertThat(plugin.examples()).as(task.getSimpleName()).isNotEmpty();
      for (io.kestra.core.models.annotations.Example e : plugin.examples()) {
        assertThat(e.full()).isTrue();
        assertThat(runner.validateSource(String.join("\n", e.code())))
            .as(task.getSimpleName())
            .isEmpty();
      }
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
  void endMlflowRunRefusesAnUnknownStatusAndABlankServer() {
    List<String> v =
        runner.validateSource(
            """
            id: bad-mlflow
            namespace: prorl.test
            tasks:
              - id: mlflow
                type: io.kestra.plugin.prorl.EndMlflowRun
                mlflowUri: ""
                status: DONE
            """);
    assertThat(v)
        .anySatisfy(
            m -> assertThat(m).contains("status must be FINISHED, FAILED or KILLED, got DONE"))
        .anySatisfy(m -> assertThat(m).contains("mlflowUri: EndMlflowRun needs a tracking server"));
  }

  @Test
  void warmStartRulesAreTheEnginesNamingTheField() {
    List<String> v =
        runner.validateSource(
            """
            id: bad-warm-start
            namespace: prorl.test
            tasks:
              - id: base
                type: io.kestra.plugin.prorl.WarmStart
                dataset: file:///tmp/d.jsonl
                checkpointRoot: file:///tmp/ckpt
                endWeight: 0.5
                finalLrFraction: 1.5
            """);
    assertThat(v)
        .anySatisfy(m -> assertThat(m).contains("endWeight must be >= 1, got 0.5"))
        .anySatisfy(m -> assertThat(m).contains("finalLrFraction must lie in [0, 1], got 1.5"));
  }

  @Test
  void negativeKeepLastIsRefused() {
    List<String> v =
        runner.validateSource(trainPhase("dataset: file:///tmp/d.jsonl\nkeepLast: -1"));
    assertThat(v).anySatisfy(m -> assertThat(m).contains("keepLast must be >= 0, got -1"));
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

  private static io.kestra.core.models.executions.Execution runInline(String yaml)
      throws Exception {
    Path file = Files.createTempFile("flow", ".yaml");
    Files.writeString(file, yaml);
    return runner.run(runner.load(file), java.util.Map.of(), java.time.Duration.ofMinutes(5));
  }

  @Test
  void scoreTaskScoresExternalCompletionsThroughKestra() throws Exception {
    io.prorl.tasks.TaskFamilies families = io.prorl.tasks.TaskFamilies.builtIn();
    List<io.prorl.tasks.Problem> ps = families.generate("countdown", java.util.Map.of(), 5, 2);
    StringBuilder lines = new StringBuilder();
    for (io.prorl.tasks.Problem p : ps) {
      String problem = io.prorl.tasks.ProblemJsonl.toLine(p);
      lines
          .append("{\"problem\":")
          .append(problem)
          .append(",\"completion\":")
          .append(io.prorl.tasks.Json.MAPPER.writeValueAsString(p.solution()))
          .append("}\n");
      lines.append("{\"problem\":").append(problem).append(",\"completion\":\"no idea\"}\n");
    }
    Path completions = Files.createTempFile("completions", ".jsonl");
    Files.writeString(completions, lines);
    var execution =
        runInline(
            """
            id: score
            namespace: prorl.test
            tasks:
              - id: score
                type: io.kestra.plugin.prorl.Score
                from: "%s"
                ks: [1, 2]
            """
                .formatted(completions.toUri()));
    assertThat(execution.getState().getCurrent().name()).isEqualTo("SUCCESS");
    var outputs = runner.outputs(execution);
    assertThat(outputs.get("score").toString())
        .contains("lines=4")
        .contains("passAtK={1=0.5, 2=1.0}")
        .contains("countdown={1=0.5, 2=1.0}");
  }

  @Test
  void assembleDatasetReadsS3SourcesAndStoresTheDatasetOnS3() throws Exception {
    io.prorl.tasks.TaskFamilies families = io.prorl.tasks.TaskFamilies.builtIn();
    List<io.prorl.tasks.Problem> ps = families.generate("countdown", java.util.Map.of(), 3, 40);
    Path source = Files.createTempFile("problems", ".jsonl");
    io.prorl.tasks.ProblemJsonl.write(ps, source);
    try (io.prorl.engine.S3MockServer s3 = io.prorl.engine.S3MockServer.start("data");
        io.prorl.engine.checkpoint.S3CheckpointStore store =
            io.prorl.engine.checkpoint.S3CheckpointStore.open("s3://data/", s3.settings())) {
      store.put("in/countdown.jsonl", source);
      var execution =
          runInline(
              """
              id: s3-dataset
              namespace: prorl.test
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  sources: ["s3://data/in/countdown.jsonl"]
                  validationFraction: 0.25
                  outputRoot: s3://data/datasets/v1/
                  s3Endpoint: %s
                  s3AccessKeyId: %s
                  s3SecretAccessKey: %s
              """
                  .formatted(
                      s3.endpoint(),
                      io.prorl.engine.S3MockServer.ACCESS_KEY,
                      io.prorl.engine.S3MockServer.SECRET_KEY));
      assertThat(execution.getState().getCurrent().name()).isEqualTo("SUCCESS");
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> out =
          (java.util.Map<String, Object>) runner.outputs(execution).get("dataset");
      assertThat(out)
          .containsEntry("trainCount", 30)
          .containsEntry("validationCount", 10)
          .containsEntry("trainUri", "s3://data/datasets/v1/train.jsonl")
          .containsEntry("validationUri", "s3://data/datasets/v1/validation.jsonl")
          .containsEntry("manifestUri", "s3://data/datasets/v1/dataset-manifest.json");
      assertThat(store.list("datasets/v1/"))
          .containsExactly(
              "datasets/v1/dataset-manifest.json",
              "datasets/v1/train.jsonl",
              "datasets/v1/validation.jsonl");
      Path train = Files.createTempFile("train", ".jsonl");
      try (var in = store.get("datasets/v1/train.jsonl")) {
        Files.copy(in, train, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      assertThat(io.prorl.engine.checkpoint.Checkpointer.sha256(train))
          .isEqualTo(out.get("sha256"));
    }
  }

  @Test
  void assembleDatasetReadsHttpSourcesAndDropsEvaluationOverlap() throws Exception {
    io.prorl.tasks.TaskFamilies families = io.prorl.tasks.TaskFamilies.builtIn();
    List<io.prorl.tasks.Problem> ps = families.generate("arithmetic", java.util.Map.of(), 9, 30);
    StringBuilder all = new StringBuilder();
    ps.forEach(p -> all.append(io.prorl.tasks.ProblemJsonl.toLine(p)).append('\n'));
    Path evaluation = Files.createTempFile("eval", ".jsonl");
    Files.writeString(evaluation, io.prorl.tasks.ProblemJsonl.toLine(ps.get(3)) + "\n");
    com.sun.net.httpserver.HttpServer http =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    http.createContext(
        "/problems.jsonl",
        x -> {
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    http.start();
    try {
      var execution =
          runInline(
              """
              id: http-dataset
              namespace: prorl.test
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  sources: ["http://127.0.0.1:%d/problems.jsonl"]
                  evaluationSets: ["%s"]
                  validationFraction: 0.1
              """
                  .formatted(http.getAddress().getPort(), evaluation.toUri()));
      assertThat(execution.getState().getCurrent().name()).isEqualTo("SUCCESS");
      String out = runner.outputs(execution).get("dataset").toString();
      assertThat(out)
          .contains("trainCount=26")
          .contains("validationCount=3")
          .contains("evaluationOverlapRemoved=1");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void expressionsAreLeftForRunTime() {
    List<String> v =
        runner.validateSource(
            trainPhase("dataset: \"{{ inputs.d }}\"\nepsLow: \"{{ inputs.lo }}\"\nepsHigh: 0.1"));
    assertThat(v).isEmpty();
  }

  @Test
  void anUnknownPropertyIsRefusedNamingIt() {
    List<String> v =
        runner.validateSource(trainPhase("dataset: file:///tmp/d.jsonl\nlearningRat: 0.1"));
    assertThat(v).anySatisfy(m -> assertThat(m).contains("learningRat"));
  }

  /**
   * A property typed {@code Property<Double>} holds text until run time (it may be an expression),
   * so Kestra's validation lets {@code lots} through; the task then fails naming the value.
   */
  @Test
  void aValueOfTheWrongTypeFailsTheTaskNamingIt() throws Exception {
    assertThat(failedRunLog("validationFraction: lots"))
        .anySatisfy(l -> assertThat(l).contains("lots"));
  }

  @Test
  void anExpressionThatFailsAtRunTimeFailsTheTaskNamingIt() throws Exception {
    assertThat(failedRunLog("validationFraction: \"{{ inputs.nope }}\""))
        .anySatisfy(l -> assertThat(l).contains("validationFraction").contains("inputs"));
  }

  /** Runs a one-task flow (a small dataset plus {@code extra}), expects FAILED, returns its log. */
  private static List<String> failedRunLog(String extra) throws Exception {
    LogCapture logs = LogCapture.capture();
    io.kestra.core.models.executions.Execution execution;
    try {
      execution =
          runInline(
              """
              id: bad-value
              namespace: prorl.test
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  generate:
                    - family: countdown
                      count: 4
              """
                  + extra.indent(4));
    } finally {
      logs.stop();
    }
    assertThat(execution.getState().getCurrent().name()).isEqualTo("FAILED");
    return logs.lines();
  }
}
