package io.prorl.engine.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * The tracker against a real MLflow tracking server, when {@code MLFLOW_TRACKING_URI} names one
 * (none can be installed on this project's machines: MLflow comes from PyPI). Same scenario as the
 * stand-in tests, read back through MLflow's own client.
 */
@EnabledIfEnvironmentVariable(named = "MLFLOW_TRACKING_URI", matches = "https?://.+")
class MlflowRealServerTest {
  @TempDir Path tmp;

  @Test
  void nestedRunsMetricsParamsTagsAndAModelVersionOnARealServer() throws Exception {
    String uri = System.getenv("MLFLOW_TRACKING_URI");
    String experiment = "prorl-real-server-test";
    String key = "test/" + UUID.randomUUID();
    TrackedRun parent = TrackedRun.root(experiment, key, "real-server " + key, Map.of("t", "1"));
    TrackedRun phase = parent.child(key + "/phase-1", "phase 1", Map.of("prorl.phase", "1"));
    MlflowSettings settings =
        new MlflowSettings(
            uri,
            experiment,
            System.getenv("MLFLOW_TRACKING_TOKEN"),
            System.getenv("MLFLOW_TRACKING_USERNAME"),
            System.getenv("MLFLOW_TRACKING_PASSWORD"),
            tmp.resolve("spool"),
            true,
            Duration.ofSeconds(60),
            null);
    String model = "prorl-real-server-test";
    Path report = Files.writeString(tmp.resolve("report.json"), "{}");
    try (Tracker t = Tracker.open(settings, TrackingLog.STDERR)) {
      t.start(phase);
      t.logParams(phase, Map.of("trainer.loss.epsHigh", "0.28"));
      t.logMetrics(phase, 1, Map.of("rewardMean", 0.25));
      t.logMetrics(phase, 2, Map.of("rewardMean", 0.5));
      t.end(phase, "FINISHED");
      t.registerModel(parent, model, "file:///tmp/" + key, Map.of("prorl.run", key));
      t.end(parent, "FINISHED");
    }
    try (MlflowClient client = new MlflowClient(uri)) {
      String experimentId = client.getExperimentByName(experiment).orElseThrow().getExperimentId();
      List<Service.Run> found =
          client
              .searchRuns(
                  List.of(experimentId),
                  "tags.`prorl.key` = '" + key + "/phase-1'",
                  Service.ViewType.ACTIVE_ONLY,
                  10)
              .getItems();
      assertThat(found).hasSize(1);
      Service.Run run = client.getRun(found.get(0).getInfo().getRunId());
      assertThat(run.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
      assertThat(run.getData().getParamsList())
          .anyMatch(p -> p.getKey().equals("trainer.loss.epsHigh") && p.getValue().equals("0.28"));
      assertThat(client.getMetricHistory(run.getInfo().getRunId(), "rewardMean")).hasSize(2);
      String parentId =
          run.getData().getTagsList().stream()
              .filter(tag -> tag.getKey().equals(TrackedRun.PARENT_TAG))
              .findFirst()
              .orElseThrow()
              .getValue();
      assertThat(client.getRun(parentId).getInfo().getStatus())
          .isEqualTo(Service.RunStatus.FINISHED);
      assertThat(client.searchModelVersions("name='" + model + "'").getItems())
          .anyMatch(
              v -> v.getSource().equals("file:///tmp/" + key) && v.getRunId().equals(parentId));
    }
    assertThat(report).exists();
  }
}
