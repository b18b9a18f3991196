package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.tracking.MlflowSettings;
import io.prorl.engine.tracking.TrackedRun;
import io.prorl.engine.tracking.Tracker;
import io.prorl.engine.tracking.TrackingLog;
import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

/**
 * A task that reports to MLflow when {@code mlflowUri} is set: one MLflow run per flow execution
 * (found again by its key, so every task of the execution and every retry writes to the same run),
 * nested runs below it. Tracking spools to disk and never fails the task unless {@code
 * mlflowRequired} is true.
 */
@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
public abstract class TrackedTask extends S3ConnectedTask {
  @Schema(
      title =
          "MLflow tracking server (http(s)://host:port); blank here and in the server's plugin"
              + " configuration turns tracking off.",
      description = SERVER_WIDE)
  private Property<String> mlflowUri;

  @Schema(
      title =
          "MLflow experiment (created when missing; "
              + MlflowSettings.DEFAULT_EXPERIMENT
              + " when unset).",
      description = SERVER_WIDE)
  private Property<String> mlflowExperiment;

  @Schema(
      title = "MLflow bearer token (a Kestra secret, or the server's plugin configuration).",
      description = SERVER_WIDE + " Never logged.")
  @ToString.Exclude
  private Property<String> mlflowToken;

  @Schema(title = "MLflow basic-auth user.", description = SERVER_WIDE)
  private Property<String> mlflowUsername;

  @Schema(
      title = "MLflow basic-auth password (a Kestra secret, or the server's plugin configuration).",
      description = SERVER_WIDE + " Never logged.")
  @ToString.Exclude
  private Property<String> mlflowPassword;

  @Schema(
      title = "Fail the task when tracking data cannot be delivered.",
      description =
          "false (default): an unreachable MLflow server only warns; what was not delivered stays"
              + " in the spool folder and the next tracked task on the worker sends it first.")
  @Builder.Default
  private Property<Boolean> mlflowRequired = Property.ofValue(false);

  @Schema(
      title = "Where undelivered tracking data waits (default: $TMPDIR/prorl-mlflow-spool).",
      description = SERVER_WIDE)
  private Property<String> mlflowSpoolDir;

  @Schema(title = "How long the task waits at its end for the spool to drain.")
  @Builder.Default
  private Property<Duration> mlflowFlushTimeout = Property.ofValue(Duration.ofSeconds(30));

  /** The rendered MLflow connection, or empty when tracking is off. */
  protected Optional<MlflowSettings> mlflowSettings(RunContext rc) throws Exception {
    String uri = setting(rc, mlflowUri, "mlflowUri");
    if (uri == null) {
      return Optional.empty();
    }
    String spool = setting(rc, mlflowSpoolDir, "mlflowSpoolDir");
    return Optional.of(
        new MlflowSettings(
            uri,
            setting(rc, mlflowExperiment, "mlflowExperiment"),
            setting(rc, mlflowToken, "mlflowToken"),
            setting(rc, mlflowUsername, "mlflowUsername"),
            setting(rc, mlflowPassword, "mlflowPassword"),
            spool == null ? null : Path.of(spool),
            rc.render(mlflowRequired).as(Boolean.class).orElse(false),
            rc.render(mlflowFlushTimeout).as(Duration.class).orElse(null),
            s3Settings(rc)));
  }

  /** A tracker when tracking is on. */
  protected Optional<Tracker> openTracker(RunContext rc) throws Exception {
    Optional<MlflowSettings> s = mlflowSettings(rc);
    return s.isEmpty() ? Optional.empty() : Optional.of(Tracker.open(s.get(), log(rc)));
  }

  /** The MLflow run of this flow execution. */
  protected static TrackedRun executionRun(RunContext rc, MlflowSettings settings)
      throws Exception {
    Map<String, String> tags = new LinkedHashMap<>(Lineage.of(rc));
    tags.remove("kestra.taskRun");
    String namespace = rc.flowInfo().namespace();
    String flow = rc.flowInfo().id();
    String execution = rc.render("{{ execution.id }}");
    tags.put("mlflow.source.name", namespace + "." + flow);
    tags.put("mlflow.source.type", "JOB");
    return TrackedRun.root(
        settings.experiment(),
        "kestra/" + namespace + "/" + flow + "/" + execution,
        flow + " " + execution,
        tags);
  }

  /** The task log as the tracker's log. */
  protected static TrackingLog log(RunContext rc) {
    return new TrackingLog() {
      @Override
      public void info(String message) {
        rc.logger().info("mlflow: {}", message);
      }

      @Override
      public void warn(String message) {
        rc.logger().warn("mlflow: {}", message);
      }
    };
  }
}
