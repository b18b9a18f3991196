package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.State;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.Json;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flows/prorl-dataset-sharded.yaml in Kestra's runtime: the difficulty filter sampled in three
 * shards keeps exactly the dataset the filter sampled whole keeps (one shard: the unsharded code
 * path), with the same per-problem counts; and two shards ran at the same time. The untrained
 * policy solves no problem of a built-in family, so every count here is 0: the merge's exactness
 * over varied counts is DifficultyFilterJobTest's (a family whose verifier passes about half the
 * responses); this test is the flow's plumbing through Kestra.
 */
class ShardedDatasetFlowTest {
  @TempDir Path tmp;

  @Test
  void threeShardsKeepTheUnshardedDatasetAndTwoShardsOverlap() throws Exception {
    Path policy = EmbeddedDefault.write(tmp.resolve("policy"), 1);
    try (FlowRunner runner = FlowRunner.start(tmp.resolve("storage"))) {
      FlowWithSource flow =
          runner.load(FlowValidationTest.flows().resolve("prorl-dataset-sharded.yaml"));
      Execution twoShards = execute(runner, flow, policy, 2);
      assertShardsOverlapped(runner, flow); // the only executions so far are this run's
      Map<String, Object> whole = outputs(runner, execute(runner, flow, policy, 1));
      Map<String, Object> three = outputs(runner, execute(runner, flow, policy, 3));

      assertThat(three.get("sha256")).isEqualTo(whole.get("sha256"));
      assertThat(three.get("difficultyFiltered")).isEqualTo(whole.get("difficultyFiltered"));
      assertThat(three.get("counts")).isEqualTo(whole.get("counts"));
      assertThat(outputs(runner, twoShards).get("sha256")).isEqualTo(whole.get("sha256"));
      // 0 of 2 responses right everywhere: [0, 0.5] kept every training problem of both families
      assertThat(whole.get("difficultyFiltered"))
          .isEqualTo(
              Map.of(
                  "arithmetic", Map.of("kept", 20, "tooEasy", 0, "tooHard", 0),
                  "graph_color", Map.of("kept", 20, "tooEasy", 0, "tooHard", 0)));
    }
  }

  private Execution execute(FlowRunner runner, FlowWithSource flow, Path policy, int shards)
      throws Exception {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("policy", policy.toUri().toString());
    inputs.put(
        "generate",
        List.of(
            Map.of("family", "graph_color", "count", 20, "seed", 1, "weight", 0.5),
            Map.of("family", "arithmetic", "count", 20, "seed", 2, "weight", 0.5)));
    inputs.put("shards", shards);
    inputs.put("samples", 2);
    inputs.put("maxNewTokens", 8);
    inputs.put("minPassRate", 0.0);
    inputs.put("maxPassRate", 0.5);
    Execution e = runner.run(flow, inputs, Duration.ofMinutes(5));
    assertThat(e.getState().getCurrent()).as("%d shards", shards).isEqualTo(State.Type.SUCCESS);
    return e;
  }

  /** The last AssembleDataset's outputs, with its counts file read in as JSON ("counts"). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> outputs(FlowRunner runner, Execution e) throws Exception {
    Map<String, Object> out =
        new LinkedHashMap<>((Map<String, Object>) runner.outputs(e).get("dataset"));
    try (InputStream in = runner.open(e, URI.create((String) out.get("difficultyCounts")))) {
      out.put(
          "counts", Json.MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** The two shard tasks (each sub-execution runs one) overlapped in time. */
  private static void assertShardsOverlapped(FlowRunner runner, FlowWithSource flow) {
    List<Instant[]> spans = TaskSpans.of(runner.executions(flow), "sample");
    assertThat(spans).hasSize(2);
    assertThat(TaskSpans.anyOverlap(spans))
        .as("the second shard started before the first ended")
        .isTrue();
  }
}
