package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Metric;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.executions.metrics.Counter;
import io.kestra.core.models.executions.metrics.Gauge;
import io.kestra.core.models.executions.metrics.Timer;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.gpu.DjlCudaSetup;
import io.prorl.engine.gpu.GpuPreflight;
import io.prorl.engine.job.PhaseMetricsLog;
import io.prorl.engine.job.TrainPhaseJob;
import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.tracking.MlflowSettings;
import io.prorl.engine.tracking.PhaseTrackingSession;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    title = "Run one ProRL phase: the span between two reference resets.",
    description =
        "At phase start the KL reference is a frozen copy of the incoming policy and the AdamW"
            + " state is new: that is ProRL's hard reset. The phase to run and the incoming policy"
            + " are read from the run's checkpoints: an unfinished phase (a crash, a Kestra retry)"
            + " resumes from its newest complete checkpoint; otherwise the next phase starts from"
            + " the newest finished phase, or from `policy` for phase 1. A phase ends when validation"
            + " stalls (PLATEAU), KL runs away (KL_LIMIT), a step or time limit is reached, or"
            + " validation reaches `validationTarget`; the limits are cut to what the run's"
            + " budget (`runMaxSteps`, `runMaxDuration`) has left, and the output `runDone` tells a"
            + " `LoopUntil` over phases when to stop. Hyperparameters carry ProRL's names"
            + " (docs/PRORL.md); each default is the engine's.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Two phases with a reset between them, on the embedded tiny policy.",
          code =
              """
              id: prorl-two-phases
              namespace: prorl.examples
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  generate:
                    - family: graph_color
                      count: 300
                      difficulty: {vertices: 4, edgeProbability: 0.5, colors: 3}
                - id: base
                  type: io.kestra.plugin.prorl.WarmStart
                  dataset: "{{ outputs.dataset.train }}"
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  steps: 50
                - id: phase1
                  type: io.kestra.plugin.prorl.TrainPhase
                  policy: "{{ outputs.base.checkpoint }}"
                  dataset: "{{ outputs.dataset.train }}"
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  maxSteps: 3
                  retry:
                    type: constant
                    interval: PT1S
                    maxAttempts: 3
                - id: phase2
                  type: io.kestra.plugin.prorl.TrainPhase
                  policy: "{{ outputs.base.checkpoint }}"
                  dataset: "{{ outputs.dataset.train }}"
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  maxSteps: 3
              """)
    },
    metrics = {
      @Metric(name = "steps", type = Counter.TYPE, description = "steps trained by this task run"),
      @Metric(name = "reward.mean", type = Gauge.TYPE, description = "of the last step"),
      @Metric(name = "kl", type = Gauge.TYPE, description = "of the last step"),
      @Metric(name = "validation.blend", type = Gauge.TYPE, description = "best of the phase"),
      @Metric(name = "step.duration", type = Timer.TYPE)
    })
public class TrainPhase extends PhaseSettings implements RunnableTask<TrainPhaseOutput> {

  @Schema(title = "The policy phase 1 starts from: an HF directory (file://, s3:// or a path).")
  @NotNull
  private Property<String> policy;

  @Schema(title = "Training problems (JSONL URI: kestra://, file://, http(s):// or s3://).")
  @NotNull
  private Property<String> dataset;

  @Schema(title = "Validation problems (JSONL URI); validation drives the plateau stop.")
  private Property<String> validation;

  @Schema(title = "Where the run's checkpoints live: file:///dir, s3://bucket/prefix or a path.")
  @NotNull
  private Property<String> checkpointRoot;

  @Schema(title = "Run id; defaults to the execution id.")
  private Property<String> runId;

  @Schema(title = "sha256 of the training data, recorded in manifests (lineage).")
  private Property<String> datasetSha256;

  @Override
  public TrainPhaseOutput run(RunContext runContext) throws Exception {
    try (CheckpointStore store =
        openStore(
            runContext,
            Rendered.required(runContext, checkpointRoot, String.class, "checkpointRoot"))) {
      return train(runContext, store);
    }
  }

  private TrainPhaseOutput train(RunContext rc, CheckpointStore store) throws Exception {
    if (Rendered.required(rc, getDevice(), String.class, "device").equals("gpu")) {
      GpuPreflight.Report gpu = GpuPreflight.probe();
      if (!gpu.available()) {
        throw new IllegalStateException("device gpu: " + gpu.reason());
      }
      DjlCudaSetup.Check setup = DjlCudaSetup.current();
      if (!setup.ready()) {
        throw new IllegalStateException(
            "device gpu: DJL would not load a CUDA libtorch (docs/GPU.md): "
                + String.join("; ", setup.problems()));
      }
    }
    TaskFamilies families = TaskFamilies.builtIn();
    ProblemJsonl jsonl = new ProblemJsonl(families);
    String datasetUri = Rendered.required(rc, dataset, String.class, "dataset");
    ProblemFiles.Read trainFile =
        ProblemFiles.read(rc, jsonl, datasetUri, "dataset", s3Settings(rc));
    // every validation problem: the validation check takes its first N of each family
    List<Problem> validationSet =
        ProblemFiles.firstOf(rc, jsonl, validation, "validation", null, 0, s3Settings(rc));
    String run = rc.render(runId).as(String.class).orElse(Lineage.defaultRunId(rc));
    String sha = rc.render(datasetSha256).as(String.class).orElse(trainFile.sha256());
    TrainPhaseJob.Config config =
        settings(
                rc,
                TrainPhaseJob.Config.builder(
                    store, run, Rendered.required(rc, policy, String.class, "policy")))
            .datasetSha256(sha)
            .lineage(Lineage.of(rc))
            .taskKey(Lineage.taskKey(rc, run))
            .s3(s3Settings(rc))
            .build();
    Map<String, String> tags = new LinkedHashMap<>(Lineage.of(rc));
    tags.put("prorl.dataset.sha256", sha);
    TrainPhaseJob.Result r;
    Optional<MlflowSettings> mlflow = mlflowSettings(rc);
    PhaseTrackingSession tracking =
        PhaseTrackingSession.open(
            mlflow,
            mlflow.isEmpty() ? null : executionRun(rc, mlflow.get()),
            run,
            config.params(),
            tags,
            log(rc));
    try (tracking) {
      TrainingListener progress = new PhaseLog(rc, config.limits().maxSteps());
      r =
          TrainPhaseJob.run(
              config,
              trainFile.problems(),
              validationSet,
              families,
              progress,
              tracking,
              InstantSource.system());
    }
    return output(rc, store, run, r, tracking.phaseRunId().orElse(null));
  }

  private TrainPhaseOutput output(
      RunContext rc, CheckpointStore store, String run, TrainPhaseJob.Result r, String mlflowRunId)
      throws Exception {
    PhaseResult p = r.result();
    StepMetrics last = p.history().isEmpty() ? null : p.history().get(p.history().size() - 1);
    rc.metric(Counter.of("steps", p.history().size()));
    if (last != null) {
      rc.metric(Gauge.of("reward.mean", last.rewardMean()));
      rc.metric(Gauge.of("kl", last.kl()));
    }
    if (!Double.isNaN(p.bestValidation())) {
      rc.metric(Gauge.of("validation.blend", p.bestValidation()));
    }
    rc.logger()
        .info(
            "phase {} of run {} ended: {} after step {} ({} steps this attempt), reset {},"
                + " checkpoint {}; run: {} steps, {}",
            r.phase(),
            run,
            p.stopReason(),
            p.steps(),
            p.history().size(),
            p.resetRecommended() ? "recommended" : "not recommended",
            p.checkpoint(),
            r.run().steps(),
            r.run().done() ? "done (" + r.run().stopReason() + ")" : "goes on");
    Path metricsFile = rc.workingDir().createTempFile(".jsonl");
    List<String> lines = new ArrayList<>();
    for (PhaseMetricsLog.Entry e : PhaseMetricsLog.read(store, run, r.phase())) {
      lines.add(Json.MAPPER.writeValueAsString(e));
    }
    Files.write(metricsFile, lines);
    return TrainPhaseOutput.builder()
        .checkpoint(p.checkpoint())
        .runId(run)
        .phase(r.phase())
        .startedFrom(r.startedFrom())
        .stopReason(p.stopReason().name())
        .resetRecommended(p.resetRecommended())
        .steps(p.steps())
        .resumedFromStep(p.resumedFromStep())
        .updates(p.history().stream().mapToInt(StepMetrics::updates).sum())
        .skippedUpdates(p.history().stream().mapToInt(StepMetrics::skippedUpdates).sum())
        .lastRewardMean(last == null ? null : Numbers.orNull(last.rewardMean()))
        .lastAccuracy(last == null ? null : Numbers.orNull(last.accuracy()))
        .lastKl(last == null ? null : Numbers.orNull(last.kl()))
        .bestValidation(Numbers.orNull(p.bestValidation()))
        .validations(p.validations())
        .runSteps(r.run().steps())
        .runDone(r.run().done())
        .runStopReason(r.run().stopReason() == null ? null : r.run().stopReason().name())
        .resets(r.run().resets())
        .metrics(rc.storage().putFile(metricsFile.toFile(), "step-metrics.jsonl"))
        .mlflowRunId(mlflowRunId)
        .build();
  }
}
