package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.State;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flows/prorl-evaluate-sharded.yaml in Kestra's runtime: the report merged from the shards equals
 * the unsharded Evaluate's report to the last digit, and the shards ran at the same time.
 */
class ShardedEvaluateFlowTest {
  @TempDir Path tmp;

  @Test
  void theMergedReportIsTheUnshardedOneAndTheShardsOverlap() throws Exception {
    Path policy = EmbeddedDefault.write(tmp.resolve("policy"), 1);
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> heldOut =
        new ArrayList<>(
            families.generate("graph_color", Map.of("vertices", 4, "edgeProbability", 0.5), 7, 10));
    heldOut.addAll(
        families.generate(
            "arithmetic", Map.of("terms", 2, "maxOperand", 9, "division", false), 7, 6));
    Path problems = tmp.resolve("problems.jsonl");
    ProblemJsonl.write(heldOut, problems);
    Path boxnet = tmp.resolve("boxnet.jsonl");
    ProblemJsonl.write(families.generate("boxnet", Map.of(), 7, 5), boxnet);
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("policies", Map.of("base", policy.toUri().toString()));
    inputs.put("problems", problems.toUri().toString());
    inputs.put("outOfDistribution", Map.of("boxnet", boxnet.toUri().toString()));
    inputs.put("shards", 2);
    inputs.put("samples", 8);
    inputs.put("maxNewTokens", 12);

    try (FlowRunner runner = FlowRunner.start(tmp.resolve("storage"))) {
      FlowWithSource sharded =
          runner.load(FlowValidationTest.flows().resolve("prorl-evaluate-sharded.yaml"));
      Execution e = runner.run(sharded, inputs, Duration.ofMinutes(5));
      assertThat(e.getState().getCurrent()).isEqualTo(State.Type.SUCCESS);
      Map<String, Object> outputs = runner.outputs(e);
      @SuppressWarnings("unchecked")
      Map<String, Object> report = (Map<String, Object>) outputs.get("report");
      String merged = read(runner, e, URI.create((String) report.get("report")));

      // the same evaluation unsharded, in this JVM, from the same files
      EvaluateJob.Config config =
          EvaluateJob.Config.builder(Map.of("base", policy.toUri().toString()))
              .samples(8)
              .maxNewTokens(12)
              .build();
      EvaluateJob.Report whole =
          EvaluateJob.run(
              config,
              heldOut,
              Map.of("boxnet", families.generate("boxnet", Map.of(), 7, 5)),
              families,
              m -> {});
      Path wholeFile = tmp.resolve("whole.json");
      EvaluateJob.write(whole, wholeFile);
      assertThat(Json.MAPPER.readTree(merged))
          .isEqualTo(Json.MAPPER.readTree(java.nio.file.Files.readString(wholeFile)));

      // the two shards' Evaluate task runs overlapped in time
      List<Instant[]> spans = TaskSpans.of(runner.executions(sharded), "evaluate");
      assertThat(spans).hasSize(2);
      assertThat(TaskSpans.anyOverlap(spans))
          .as("the second shard started before the first ended")
          .isTrue();
    }
  }

  private static String read(FlowRunner runner, Execution e, URI uri) throws Exception {
    try (InputStream in = runner.open(e, uri)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
