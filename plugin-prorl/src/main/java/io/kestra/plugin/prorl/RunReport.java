package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.job.RunReportJob;
import io.prorl.engine.report.ResetMarker;
import io.prorl.engine.tracking.Tracker;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
@Schema(
    title = "Draw what a ProRL run did: its reasoning boundary and its training curves (PNG).",
    description =
        "The boundary chart has one panel per evaluated set (held-out families and"
            + " out-of-distribution sets), pass@k over k on a log scale, one line per checkpoint"
            + " of the run's boundary history (base, each phase end). The training chart has"
            + " reward, accuracy, entropy, KL, clip fractions, response length, kept fraction and"
            + " the validation blend per step over all phases, with a dashed line at every"
            + " reference reset labelled with why the phase before it ended. Both are task"
            + " outputs, files beside the run's checkpoints (<run>/report/) and, with mlflowUri,"
            + " artifacts of the execution's MLflow run.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "The charts of a run whose phases and evaluations wrote to file:///tmp/prorl.",
          code =
              """
              id: prorl-report
              namespace: prorl.examples
              inputs:
                - id: runId
                  type: STRING
              tasks:
                - id: report
                  type: io.kestra.plugin.prorl.RunReport
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  runId: "{{ inputs.runId }}"
              """)
    })
public class RunReport extends TrackedTask implements RunnableTask<RunReport.Output> {
  @Schema(title = "Where the run's checkpoints live: file:///dir, s3://bucket/prefix or a path.")
  @NotNull
  private Property<String> checkpointRoot;

  @Schema(title = "Run id; defaults to the execution id.")
  private Property<String> runId;

  @Override
  public Output run(RunContext rc) throws Exception {
    String run = rc.render(runId).as(String.class).orElse(Lineage.defaultRunId(rc));
    Path out = java.nio.file.Files.createTempDirectory(rc.workingDir().path(), "report");
    RunReportJob.Result r;
    try (CheckpointStore store =
        openStore(rc, Rendered.required(rc, checkpointRoot, String.class, "checkpointRoot"))) {
      r = RunReportJob.run(store, run, out, msg -> rc.logger().info(msg));
    }
    Optional<Tracker> tracker = openTracker(rc);
    if (tracker.isPresent()) {
      try (Tracker t = tracker.get()) {
        var execution = executionRun(rc, t.settings());
        t.start(execution);
        if (r.boundaryPng() != null) {
          t.logArtifact(execution, "report/" + RunReportJob.BOUNDARY_PNG, r.boundaryPng());
        }
        if (r.trainingPng() != null) {
          t.logArtifact(execution, "report/" + RunReportJob.TRAINING_PNG, r.trainingPng());
        }
      }
    }
    Map<String, Map<String, Map<String, Double>>> boundary = new LinkedHashMap<>();
    r.boundary()
        .forEach((label, sets) -> {
          Map<String, Map<String, Double>> bySet = new LinkedHashMap<>();
          sets.forEach((set, byK) -> bySet.put(set, EvaluationOutputs.byK(byK)));
          boundary.put(label, bySet);
        });
    return Output.builder()
        .boundaryChart(
            r.boundaryPng() == null
                ? null
                : rc.storage().putFile(r.boundaryPng().toFile(), RunReportJob.BOUNDARY_PNG))
        .trainingChart(
            r.trainingPng() == null
                ? null
                : rc.storage().putFile(r.trainingPng().toFile(), RunReportJob.TRAINING_PNG))
        .boundary(boundary)
        .phases(r.phases())
        .steps(r.steps())
        .resets(r.resets().stream().map(RunReport::describe).toList())
        .build();
  }

  private static String describe(ResetMarker m) {
    return "step "
        + m.globalStep()
        + (m.reason() == null || m.reason().isEmpty() ? "" : " after " + m.reason());
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "pass@k per set, one line per checkpoint (PNG), when the run has evaluations.")
    private final URI boundaryChart;

    @Schema(title = "Training curves over all phases with reset lines (PNG).")
    private final URI trainingChart;

    @Schema(title = "checkpoint label (base, phase-000N) -> set -> k -> pass@k.")
    private final Map<String, Map<String, Map<String, Double>>> boundary;

    @Schema(title = "Phases with logged steps.")
    private final int phases;

    @Schema(title = "RL steps over all phases.")
    private final int steps;

    @Schema(title = "The reference resets: global step and why the phase before ended.")
    private final List<String> resets;
  }
}
