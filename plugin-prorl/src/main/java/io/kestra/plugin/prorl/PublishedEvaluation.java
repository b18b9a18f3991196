package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.engine.tracking.EvaluationTracking;
import io.prorl.engine.tracking.Tracker;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

/**
 * What an evaluation report becomes once computed, the same for an unsharded {@link Evaluate} and
 * for {@link MergeEvaluations}: the report in internal storage (and under outputRoot), the run's
 * boundary history, MLflow metrics and artifacts, Kestra metrics and typed outputs.
 */
@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
public abstract class PublishedEvaluation extends TrackedTask {
  static final String HISTORY_NEEDS_BOTH =
      "checkpointRoot and runId: give both to keep the run's boundary history, or neither";

  @Schema(
      title = "Also store the report under this folder URI (s3://bucket/prefix/ or file:///dir/).",
      description = "Written as evaluation-report.json; the output reportUri names it.")
  private Property<String> outputRoot;

  @Schema(
      title = "The run's checkpoint root (file:// or s3://): keeps the run's boundary history.",
      description =
          "With runId: every evaluated policy's results are merged into"
              + " <checkpointRoot>/<runId>/boundary-history.json; the output history names it.")
  private Property<String> checkpointRoot;

  @Schema(title = "The training run whose boundary history the results join (with checkpointRoot).")
  private Property<String> runId;

  /** The rule on checkpointRoot and runId, for static validation. */
  protected boolean historyHalfGiven() {
    return (checkpointRoot == null) != (runId == null);
  }

  /**
   * Stores, records and reports {@code report}.
   *
   * @param counts the per-problem counts it was computed from, in internal storage
   */
  protected Evaluate.Output publish(RunContext runContext, EvaluateJob.Report report, URI counts)
      throws Exception {
    Path reportFile = runContext.workingDir().createTempFile(".json");
    EvaluateJob.write(report, reportFile);
    String reportUri = null;
    String root = runContext.render(outputRoot).as(String.class).orElse("");
    if (!root.isBlank()) {
      try (CheckpointStore store = openStore(runContext, root)) {
        store.put("evaluation-report.json", reportFile);
        reportUri = store.uri("evaluation-report.json").toString();
      }
      runContext.logger().info("report stored at {}", reportUri);
    }
    Path historyFile = null;
    String historyUri = null;
    Optional<String> ckptRoot = nonBlank(runContext.render(checkpointRoot).as(String.class));
    Optional<String> run = nonBlank(runContext.render(runId).as(String.class));
    if (ckptRoot.isPresent() != run.isPresent()) {
      throw new IllegalArgumentException(HISTORY_NEEDS_BOTH);
    }
    if (ckptRoot.isPresent()) {
      historyFile = runContext.workingDir().createTempFile(".json");
      try (CheckpointStore store = openStore(runContext, ckptRoot.get())) {
        historyUri =
            BoundaryHistory.record(store, run.get(), report, Instant.now(), historyFile).toString();
      }
      runContext.logger().info("boundary history at {}", historyUri);
    }
    Optional<Tracker> tracker = openTracker(runContext);
    if (tracker.isPresent()) {
      try (Tracker t = tracker.get()) {
        var mlflowRun = executionRun(runContext, t.settings());
        EvaluationTracking.log(t, mlflowRun, report, reportFile, historyFile);
      }
    }
    EvaluationOutputs.metrics(runContext, report);
    return EvaluationOutputs.of(
        runContext.storage().putFile(reportFile.toFile(), "evaluation-report.json"),
        reportUri,
        historyUri,
        counts,
        report);
  }

  private static Optional<String> nonBlank(Optional<String> s) {
    return s.filter(v -> !v.isBlank());
  }
}
