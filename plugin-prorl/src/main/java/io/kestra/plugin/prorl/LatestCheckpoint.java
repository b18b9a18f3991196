package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.job.RunProgress;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
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
    title = "The newest finished phase of a run: its end checkpoint (or the run's base).",
    description =
        "Reads only complete checkpoints (with MANIFEST.json). Use it after a loop of TrainPhase"
            + " tasks, or to continue a run from where it stopped.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Find where a run stands.",
          code =
              """
              id: prorl-latest
              namespace: prorl.examples
              inputs:
                - id: runId
                  type: STRING
              tasks:
                - id: latest
                  type: io.kestra.plugin.prorl.LatestCheckpoint
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  runId: "{{ inputs.runId }}"
              """)
    })
public class LatestCheckpoint extends S3ConnectedTask
    implements RunnableTask<LatestCheckpoint.Output> {

  @Schema(title = "Where the run's checkpoints live: file:///dir, s3://bucket/prefix or a path.")
  @NotNull
  private Property<String> checkpointRoot;

  @Schema(title = "The run.")
  @NotNull
  private Property<String> runId;

  @Schema(
      title = "Return the run's base (phase 0) when no phase has finished yet, instead of failing.",
      description =
          "For flows that continue a run from wherever it stands, the first time included (the"
              + " base then comes from a WarmStart task with the same runId).")
  @Builder.Default
  private Property<Boolean> orBase = Property.ofValue(false);

  @Override
  public Output run(RunContext runContext) throws Exception {
    try (CheckpointStore store =
        openStore(runContext, runContext.render(checkpointRoot).as(String.class).orElseThrow())) {
      return latest(runContext, store);
    }
  }

  private Output latest(RunContext runContext, CheckpointStore store) throws Exception {
    String run = runContext.render(runId).as(String.class).orElseThrow();
    RunProgress progress =
        new RunProgress(new Checkpointer(store, null, null, null, Map.of()), run);
    Optional<CheckpointId> end = progress.latestPhaseEnd();
    boolean orBaseValue = Rendered.required(runContext, orBase, Boolean.class, "orBase");
    if (end.isEmpty() && orBaseValue) {
      end = progress.base();
    }
    if (end.isEmpty()) {
      throw new IllegalStateException(
          "run "
              + run
              + " has no finished phase"
              + (orBaseValue ? " and no base" : "")
              + " under "
              + store.uri(""));
    }
    String uri = store.uri(end.get().prefix()).toString();
    int next = progress.phaseToRun();
    int steps = progress.stepsBefore(next);
    runContext
        .logger()
        .info(
            "run {}: newest {} at {} ({} RL steps done)",
            run,
            end.get().phase() == 0 ? "checkpoint is the base" : "phase end is " + end.get().phase(),
            uri,
            steps);
    return Output.builder()
        .checkpoint(uri)
        .phase(end.get().phase())
        .step(end.get().step())
        .nextPhase(next)
        .runSteps(steps)
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "URI of the newest phase-end checkpoint.")
    private final String checkpoint;

    @Schema(title = "Its phase.")
    private final int phase;

    @Schema(title = "Its step.")
    private final int step;

    @Schema(title = "The phase a TrainPhase task would run next.")
    private final int nextPhase;

    @Schema(
        title = "RL steps of the run's finished phases.",
        description =
            "The run budget of the next TrainPhase is counted over the whole run: give it"
                + " runMaxSteps = runSteps + the steps to add.")
    private final int runSteps;
  }
}
