package io.prorl.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.MlflowStandIn;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.job.EvaluateJob;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation lands in the execution's MLflow run: per-set pass@k under keys MLflow accepts (set
 * names with spaces, slashes or dots sanitized), the report and the boundary history as artifacts.
 */
class EvaluationTrackingTest {
  @TempDir Path tmp;

  @Test
  void perSetMetricsWithSanitizedSetNamesAndBothFilesAsArtifacts() throws Exception {
    List<EvaluateJob.SetResult> sets =
        List.of(
            new EvaluateJob.SetResult("graph_color", false, 4, 4, Map.of(1, 0.25, 4, 0.5), 0.4, 30),
            new EvaluateJob.SetResult(
                "graph color/8+ v1.0", true, 2, 4, Map.of(1, 0.0, 4, 0.5), 0.1, 41));
    EvaluateJob.PolicyReport p =
        new EvaluateJob.PolicyReport(
            "phase 2",
            "s3://b/r1/phase-0002/step-000010/",
            new CheckpointId("r1", 2, 10),
            0.4,
            Map.of(1, 0.25, 4, 0.5),
            Map.of("graph_color", Map.of(1, 0.25, 4, 0.5)),
            sets);
    EvaluateJob.Report report = new EvaluateJob.Report(4, 4, List.of(1, 4), 0.6, 0.95, List.of(p));
    Path reportFile = Files.writeString(tmp.resolve("report.json"), "{\"report\": 1}");
    Path historyFile = Files.writeString(tmp.resolve("history.json"), "{\"history\": 1}");
    TrackedRun run = TrackedRun.root("prorl-test", "kestra/ex1", "ex1", Map.of());

    try (MlflowStandIn server = MlflowStandIn.start(tmp.resolve("artifacts").toUri().toString())) {
      MlflowSettings settings =
          new MlflowSettings(
              server.uri(),
              "prorl-test",
              null,
              null,
              null,
              tmp.resolve("spool"),
              true,
              Duration.ofSeconds(30),
              null);
      try (Tracker t = Tracker.open(settings, TrackingLog.STDERR)) {
        EvaluationTracking.log(t, run, report, reportFile, historyFile);
      }
      assertThat(server.violations()).isEmpty();
      MlflowStandIn.Run logged = server.runTagged(TrackedRun.KEY_TAG, "kestra/ex1").orElseThrow();
      assertThat(logged.metrics.keySet())
          .containsExactlyInAnyOrder(
              "eval.phase_2.pass_at_1",
              "eval.phase_2.pass_at_4",
              "eval.phase_2.mean_reward",
              "eval.phase_2.graph_color.pass_at_1",
              "eval.phase_2.graph_color.pass_at_4",
              "eval.phase_2.graph_color.mean_reward",
              "eval.phase_2.graph_color.response_tokens",
              "eval.phase_2.graph_color_8__v1_0.pass_at_1",
              "eval.phase_2.graph_color_8__v1_0.pass_at_4",
              "eval.phase_2.graph_color_8__v1_0.mean_reward",
              "eval.phase_2.graph_color_8__v1_0.response_tokens");
      assertThat(logged.metrics.get("eval.phase_2.graph_color_8__v1_0.pass_at_4").get(0).value())
          .isEqualTo(0.5);
      assertThat(logged.tags)
          .containsEntry("prorl.evaluation.phase_2.policy", "s3://b/r1/phase-0002/step-000010/");
      Path artifacts = Path.of(URI.create(logged.artifactUri)).resolve("evaluation");
      assertThat(artifacts.resolve("evaluation-report.json")).hasContent("{\"report\": 1}");
      assertThat(artifacts.resolve("boundary-history.json")).hasContent("{\"history\": 1}");
    }
  }
}
