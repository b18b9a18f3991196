package io.kestra.plugin.prorl;

import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.List;
import lombok.Builder;
import lombok.Getter;

/** What one {@link TrainPhase} reports: the phase, why it stopped, and where the run stands. */
@Builder
@Getter
public class TrainPhaseOutput implements io.kestra.core.models.tasks.Output {
  @Schema(title = "URI of the phase-end checkpoint (an HF directory with MANIFEST.json).")
  private final String checkpoint;

  @Schema(title = "The run id.")
  private final String runId;

  @Schema(title = "The phase that ran (1 = first).")
  private final int phase;

  @Schema(title = "The policy this phase started from (lineage parent).")
  private final String startedFrom;

  @Schema(
      title = "Why the phase stopped.",
      description =
          "MAX_STEPS, MAX_DURATION, PLATEAU (validation stalled), KL_LIMIT, VALIDATION_TARGET or"
              + " NON_FINITE_LOSS.")
  private final String stopReason;

  @Schema(title = "Whether the stop calls for a reset (a stall or a KL runaway).")
  private final boolean resetRecommended;

  @Schema(title = "Steps done in this phase, resumed ones included.")
  private final int steps;

  @Schema(title = "The step a resumed attempt continued after (0 when it started fresh).")
  private final int resumedFromStep;

  @Schema(
      title =
          "Optimizer updates applied in this attempt's steps (0 when every group was dropped or"
              + " every update skipped).")
  private final int updates;

  @Schema(title = "Updates of this attempt skipped for a non-finite loss or gradient.")
  private final int skippedUpdates;

  @Schema(title = "Mean reward of the last step.")
  private final Double lastRewardMean;

  @Schema(title = "Share of fully correct responses in the last step.")
  private final Double lastAccuracy;

  @Schema(title = "Mean KL to the reference in the last step.")
  private final Double lastKl;

  @Schema(title = "Best validation blend of the phase (mean per-family pass@1).")
  private final Double bestValidation;

  @Schema(title = "Every validation blend of the phase, in order.")
  private final List<Double> validations;

  @Schema(title = "RL steps of the whole run so far, all phases.")
  private final int runSteps;

  @Schema(title = "Whether the run is done: a LoopUntil over phases stops on it.")
  private final boolean runDone;

  @Schema(title = "Why the run is done: RUN_MAX_STEPS, RUN_MAX_DURATION or VALIDATION_TARGET.")
  private final String runStopReason;

  @Schema(title = "Reference resets of the run so far (each phase after the first began with one).")
  private final int resets;

  @Schema(title = "Every step's metrics (JSONL, internal storage).")
  private final URI metrics;

  @Schema(title = "The phase's MLflow run id (nested under the execution's run), when tracked.")
  private final String mlflowRunId;
}
