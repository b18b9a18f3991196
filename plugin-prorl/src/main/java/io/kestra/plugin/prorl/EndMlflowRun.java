package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.tracking.CheckpointTags;
import io.prorl.engine.tracking.MlflowSettings;
import io.prorl.engine.tracking.TrackedRun;
import io.prorl.engine.tracking.Tracker;
import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
@ValidProrlTask
@Schema(
    title = "Close the MLflow run of this flow execution; register its final checkpoint.",
    description =
        "Sets the execution's run to FINISHED (or FAILED/KILLED, e.g. from the flow's errors"
            + " branch), registers a checkpoint as a model version whose source is the checkpoint"
            + " URI (s3:// or file://) with the lineage of its MANIFEST.json as tags, and writes"
            + " files to the run's artifact location. The phases' nested runs and the evaluation"
            + " metrics come from TrainPhase and Evaluate with the same mlflowUri.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Register the final checkpoint; mark the run FAILED when the flow fails.",
          code =
              """
              id: prorl-mlflow-end
              namespace: prorl.examples
              inputs:
                - id: checkpoint
                  type: STRING
                - id: mlflowUri
                  type: STRING
              tasks:
                - id: mlflow
                  type: io.kestra.plugin.prorl.EndMlflowRun
                  mlflowUri: "{{ inputs.mlflowUri }}"
                  checkpoint: "{{ inputs.checkpoint }}"
                  modelName: prorl-policy
              errors:
                - id: mlflowFailed
                  type: io.kestra.plugin.prorl.EndMlflowRun
                  mlflowUri: "{{ inputs.mlflowUri }}"
                  status: FAILED
              """)
    })
public class EndMlflowRun extends TrackedTask
    implements RunnableTask<EndMlflowRun.Output>, StaticallyChecked {
  private static final List<String> STATUSES = List.of("FINISHED", "FAILED", "KILLED");
  private static final String DEFAULT_STATUS = STATUSES.get(0);
  private static final String DEFAULT_MODEL_NAME = "prorl-policy";

  @Schema(title = "The run's final status: FINISHED, FAILED or KILLED.")
  @Builder.Default
  private Property<String> status = Property.ofValue(DEFAULT_STATUS);

  @Schema(title = "A checkpoint to register as a model version (its folder URI).")
  private Property<String> checkpoint;

  @Schema(title = "Registered model name (created when missing).")
  @Builder.Default
  private Property<String> modelName = Property.ofValue(DEFAULT_MODEL_NAME);

  @Schema(
      title = "Files for the run's artifact location: artifact path -> file URI (kestra://, ...).")
  private Property<Map<String, String>> artifacts;

  @Schema(title = "More tags for the execution's run.")
  private Property<Map<String, String>> tags;

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    StaticValues.text(status).flatMap(EndMlflowRun::statusViolation).ifPresent(out::add);
    StaticValues.text(getMlflowUri())
        .filter(String::isBlank)
        .ifPresent(s -> out.add("mlflowUri: EndMlflowRun needs a tracking server"));
    return out;
  }

  private static Optional<String> statusViolation(String value) {
    return STATUSES.contains(value)
        ? Optional.empty()
        : Optional.of("status must be FINISHED, FAILED or KILLED, got " + value);
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    MlflowSettings settings =
        mlflowSettings(runContext)
            .orElseThrow(() -> new IllegalArgumentException("mlflowUri: no tracking server given"));
    String end = runContext.render(status).as(String.class).orElse(DEFAULT_STATUS);
    statusViolation(end)
        .ifPresent(bad -> {
          throw new IllegalArgumentException(bad);
        });
    String model = runContext.render(modelName).as(String.class).orElse(DEFAULT_MODEL_NAME);
    String source =
        runContext.render(checkpoint).as(String.class).filter(s -> !s.isBlank()).orElse(null);
    Map<String, String> extraTags = runContext.render(tags).asMap(String.class, String.class);
    Map<String, String> files = runContext.render(artifacts).asMap(String.class, String.class);
    TrackedRun run = executionRun(runContext, settings);
    Tracker tracker = Tracker.open(settings, log(runContext));
    boolean registering = false;
    try (tracker) {
      tracker.start(run);
      Map<String, String> runTags = new LinkedHashMap<>(extraTags);
      if (source != null) {
        Map<String, String> lineage = CheckpointTags.of(source, s3Settings(runContext));
        runTags.put("prorl.checkpoint", source);
        registering = tracker.registerModel(run, model, source, lineage);
      }
      if (!runTags.isEmpty()) {
        tracker.setTags(run, runTags);
      }
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path local =
            InputFiles.fetch(
                runContext, f.getValue(), "artifacts." + f.getKey(), s3Settings(runContext));
        tracker.logArtifact(run, f.getKey(), local);
        Files.deleteIfExists(local);
      }
      tracker.end(run, end);
    }
    String runId = tracker.runId(run).orElse(null);
    String version = registering ? tracker.registeredVersions().get(model) : null;
    runContext
        .logger()
        .info(
            "MLflow run {} of this execution: {}{}",
            runId == null ? "(not yet delivered)" : runId,
            end,
            version == null
                ? ""
                : ", " + source + " registered as " + model + " version " + version);
    return Output.builder()
        .mlflowRunId(runId)
        .modelName(registering ? model : null)
        .modelVersion(version)
        .delivered(tracker.pending() == 0)
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "The MLflow run id of this execution (null while undelivered).")
    private final String mlflowRunId;

    @Schema(title = "The registered model, when a checkpoint was registered.")
    private final String modelName;

    @Schema(title = "The model version (null while undelivered).")
    private final String modelVersion;

    @Schema(title = "Whether everything reached the server before the task ended.")
    private final boolean delivered;
  }
}
