package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Metric;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.executions.metrics.Counter;
import io.kestra.core.models.executions.metrics.Timer;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.gpu.GpuPreflight;
import io.prorl.engine.job.TrainPhaseJob;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tracking.ConfigParams;
import io.prorl.engine.tracking.PhaseTracking;
import io.prorl.engine.tracking.Tracker;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.io.BufferedWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    title = "Run one ProRL phase: the span between two reference resets.",
    description =
        "At phase start the KL reference is a frozen copy of the incoming policy and the AdamW"
            + " state is new: that is ProRL's hard reset. The phase to run and the incoming policy"
            + " are read from the run's checkpoints: an unfinished phase (a crash, a Kestra retry)"
            + " resumes from its newest complete checkpoint; otherwise the next phase starts from"
            + " the newest finished phase, or from `policy` for phase 1. Hyperparameters carry"
            + " ProRL's names (PRORL.md).")
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
      @Metric(name = "steps", type = Counter.TYPE),
      @Metric(name = "reward.mean", type = Counter.TYPE, description = "of the last step"),
      @Metric(name = "kl", type = Counter.TYPE, description = "of the last step"),
      @Metric(name = "step.duration", type = Timer.TYPE)
    })
public class TrainPhase extends TrackedTask
    implements RunnableTask<TrainPhase.Output>, StaticallyChecked {

  @Schema(title = "The policy phase 1 starts from: an HF directory (file://, s3:// or a path).")
  @NotNull
  private Property<String> policy;

  @Schema(title = "Training problems (JSONL URI: kestra://, file://, http(s):// or s3://).")
  @NotNull
  private Property<String> dataset;

  @Schema(title = "Validation problems (JSONL URI); validation drives the plateau stop.")
  private Property<String> validation;

  @Schema(title = "Validation problems used (the first N).")
  @Builder.Default
  private Property<Integer> validationProblems = Property.ofValue(100);

  @Schema(title = "Where the run's checkpoints live: file:///dir, s3://bucket/prefix or a path.")
  @NotNull
  private Property<String> checkpointRoot;

  @Schema(title = "Run id; defaults to the execution id.")
  private Property<String> runId;

  @Schema(title = "sha256 of the training data, recorded in manifests (lineage).")
  private Property<String> datasetSha256;

  @Schema(title = "Mixed rollout groups wanted per step (the paper's batch of prompts).")
  @Builder.Default
  private Property<Integer> promptsPerStep = Property.ofValue(8);

  @Schema(title = "Responses per prompt, G (paper: 16).")
  @Builder.Default
  private Property<Integer> groupSize = Property.ofValue(8);

  @Schema(title = "Mini-batch updates per rollout batch.")
  @Builder.Default
  private Property<Integer> updatesPerStep = Property.ofValue(2);

  @Schema(title = "Peak learning rate.")
  @Builder.Default
  private Property<Double> learningRate = Property.ofValue(1e-4);

  @Schema(title = "Linear learning-rate warm-up steps (0 = constant).")
  @Builder.Default
  private Property<Integer> warmupSteps = Property.ofValue(0);

  @Schema(title = "Global gradient-norm clip (0 = off).")
  @Builder.Default
  private Property<Double> maxGradNorm = Property.ofValue(1.0);

  @Schema(title = "Lower clip range: ratio >= 1 - epsLow (paper 0.2).")
  @Builder.Default
  private Property<Double> epsLow = Property.ofValue(0.2);

  @Schema(title = "Upper clip range, decoupled (clip-higher): ratio <= 1 + epsHigh (paper 0.4).")
  @Builder.Default
  private Property<Double> epsHigh = Property.ofValue(0.28);

  @Schema(title = "KL coefficient beta (k3 estimator); 0 skips the reference policy.")
  @Builder.Default
  private Property<Double> klCoef = Property.ofValue(1e-3);

  @Schema(title = "Entropy bonus coefficient (0 = off).")
  @Builder.Default
  private Property<Double> entropyCoef = Property.ofValue(0.0);

  @Schema(title = "Loss aggregation: TOKEN (DAPO) or SEQUENCE (GRPO).")
  @Builder.Default
  private Property<LossConfig.Aggregation> aggregation =
      Property.ofValue(LossConfig.Aggregation.TOKEN);

  @Schema(title = "Rollout temperature (paper 1.2).")
  @Builder.Default
  private Property<Double> temperature = Property.ofValue(1.0);

  @Schema(title = "Rollout nucleus sampling (1 = off).")
  @Builder.Default
  private Property<Double> topP = Property.ofValue(1.0);

  @Schema(title = "Response length limit in tokens.")
  @Builder.Default
  private Property<Integer> maxNewTokens = Property.ofValue(64);

  @Schema(title = "Divide advantages by the group's std (GRPO) or not.")
  @Builder.Default
  private Property<Boolean> scaleAdvantagesByStd = Property.ofValue(true);

  @Schema(title = "Leave responses cut at maxNewTokens out of the loss.")
  @Builder.Default
  private Property<Boolean> maskTruncated = Property.ofValue(false);

  @Schema(title = "Dynamic-sampling rounds per step.")
  @Builder.Default
  private Property<Integer> maxSamplingRounds = Property.ofValue(3);

  @Schema(title = "AdamW weight decay.")
  @Builder.Default
  private Property<Double> weightDecay = Property.ofValue(0.0);

  @Schema(title = "Stop after this many RL steps.")
  @Builder.Default
  private Property<Integer> maxSteps = Property.ofValue(10);

  @Schema(title = "Stop when a step ends after this much time (ISO-8601, e.g. PT2H).")
  private Property<Duration> maxDuration;

  @Schema(title = "Validate every N steps (0 = never).")
  @Builder.Default
  private Property<Integer> validateEvery = Property.ofValue(0);

  @Schema(title = "Stop after this many validations without a new best (0 = off).")
  @Builder.Default
  private Property<Integer> patience = Property.ofValue(0);

  @Schema(title = "Stop when the mean KL to the reference exceeds this (0 = off).")
  @Builder.Default
  private Property<Double> maxKl = Property.ofValue(0.0);

  @Schema(
      title = "Reset the optimizer with the reference (ProRL v1) or keep its moments (v2).",
      description =
          "true: every phase starts with fresh AdamW moments; false: the moments of the previous"
              + " phase's end carry over and only the KL reference is reset.")
  @Builder.Default
  private Property<Boolean> resetOptimizer = Property.ofValue(true);

  @Schema(title = "A resume checkpoint every N steps (the phase end is always written).")
  @Builder.Default
  private Property<Integer> checkpointEvery = Property.ofValue(5);

  @Schema(
      title = "Step checkpoints of the run to keep (0 = all).",
      description =
          "After each checkpoint the run keeps its newest keepLast step checkpoints, plus every"
              + " phase start (the KL reference a resume needs), every phase end and the base"
              + " policy; older resume points are deleted, MANIFEST.json first.")
  @Builder.Default
  private Property<Integer> keepLast = Property.ofValue(0);

  @Schema(title = "The run's seed.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(1L);

  @Schema(title = "cpu, gpu or auto; gpu fails fast with the GPU preflight's reason.")
  @Builder.Default
  private Property<String> device = Property.ofValue("cpu");

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    StaticValues.between(out, "epsLow", epsLow, 0, 1);
    StaticValues.atLeast(out, "epsHigh", epsHigh, 0);
    StaticValues.number(epsLow)
        .ifPresent(lo ->
            StaticValues.number(epsHigh)
                .filter(hi -> hi < lo)
                .ifPresent(hi ->
                    out.add("epsHigh (" + hi + ") must be >= epsLow (" + lo + "): clip-higher")));
    StaticValues.atLeast(out, "klCoef", klCoef, 0);
    StaticValues.atLeast(out, "entropyCoef", entropyCoef, 0);
    StaticValues.atLeast(out, "promptsPerStep", promptsPerStep, 1);
    StaticValues.atLeast(out, "groupSize", groupSize, 2);
    StaticValues.atLeast(out, "updatesPerStep", updatesPerStep, 1);
    StaticValues.atLeast(out, "maxSteps", maxSteps, 1);
    StaticValues.atLeast(out, "maxNewTokens", maxNewTokens, 1);
    StaticValues.atLeast(out, "checkpointEvery", checkpointEvery, 1);
    StaticValues.atLeast(out, "keepLast", keepLast, 0);
    StaticValues.atLeast(out, "temperature", temperature, 0);
    StaticValues.atLeast(out, "maxKl", maxKl, 0);
    StaticValues.number(learningRate)
        .filter(v -> !(v > 0))
        .ifPresent(v -> out.add("learningRate must be > 0, got " + v));
    StaticValues.text(device)
        .filter(d -> !List.of("cpu", "gpu", "auto").contains(d))
        .ifPresent(d -> out.add("device must be cpu, gpu or auto, got " + d));
    return out;
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    try (CheckpointStore store =
        openStore(runContext, runContext.render(checkpointRoot).as(String.class).orElseThrow())) {
      return train(runContext, store);
    }
  }

  private Output train(RunContext runContext, CheckpointStore store) throws Exception {
    String deviceName = runContext.render(device).as(String.class).orElse("cpu");
    if (deviceName.equals("gpu")) {
      GpuPreflight.Report gpu = GpuPreflight.probe();
      if (!gpu.available()) {
        throw new IllegalStateException("device gpu: " + gpu.reason());
      }
    }
    TaskFamilies families = TaskFamilies.builtIn();
    ProblemJsonl jsonl = new ProblemJsonl(families);
    ProblemFiles.Read trainFile =
        ProblemFiles.read(
            runContext,
            jsonl,
            runContext.render(dataset).as(String.class).orElseThrow(),
            "dataset",
            s3Settings(runContext));
    List<Problem> train = trainFile.problems();
    List<Problem> validationSet =
        ProblemFiles.firstOf(
            runContext,
            jsonl,
            validation,
            "validation",
            validationProblems,
            100,
            s3Settings(runContext));
    TrainerConfig trainer = trainerConfig(runContext);
    int steps = runContext.render(maxSteps).as(Integer.class).orElse(10);
    PhaseLimits limits =
        new PhaseLimits(
            steps,
            runContext.render(maxDuration).as(Duration.class).orElse(null),
            runContext.render(validateEvery).as(Integer.class).orElse(0),
            runContext.render(patience).as(Integer.class).orElse(0),
            runContext.render(maxKl).as(Double.class).orElse(0.0));
    String run = runContext.render(runId).as(String.class).orElse(Lineage.defaultRunId(runContext));
    TrainPhaseJob.Config config =
        new TrainPhaseJob.Config(
            store,
            run,
            runContext.render(policy).as(String.class).orElseThrow(),
            trainer,
            limits,
            runContext.render(resetOptimizer).as(Boolean.class).orElse(true),
            runContext.render(checkpointEvery).as(Integer.class).orElse(5),
            runContext.render(keepLast).as(Integer.class).orElse(0),
            runContext.render(seed).as(Long.class).orElse(1L),
            deviceName,
            runContext.render(datasetSha256).as(String.class).orElse(trainFile.sha256()),
            Lineage.of(runContext),
            Lineage.taskKey(runContext),
            s3Settings(runContext));
    Path metricsFile = runContext.workingDir().createTempFile(".jsonl");
    Optional<Tracker> tracker = openTracker(runContext);
    PhaseTracking tracking =
        tracker.isEmpty()
            ? null
            : new PhaseTracking(
                tracker.get(),
                executionRun(runContext, tracker.get().settings()),
                run,
                params(config),
                phaseTags(runContext, config),
                log(runContext));
    TrainPhaseJob.Result r;
    try (BufferedWriter metricsOut = Files.newBufferedWriter(metricsFile)) {
      TrainingListener progress = new PhaseProgress(runContext, steps, metricsOut);
      r =
          TrainPhaseJob.run(
              config,
              train,
              validationSet,
              families,
              tracking == null ? progress : TrainingListener.both(progress, tracking));
      if (tracking != null) {
        tracking.finished(r.result());
      }
    } catch (Exception | Error e) {
      if (tracking != null) {
        tracking.failed(e);
      }
      closeAfterFailure(tracker, e);
      throw e;
    }
    String mlflowRunId = null;
    if (tracker.isPresent()) {
      tracker.get().close();
      mlflowRunId =
          tracking.phaseRun() == null
              ? null
              : tracker.get().runId(tracking.phaseRun()).orElse(null);
    }
    PhaseResult p = r.result();
    StepMetrics last = p.history().isEmpty() ? null : p.history().get(p.history().size() - 1);
    runContext.metric(Counter.of("steps", p.history().size()));
    if (last != null) {
      runContext.metric(Counter.of("reward.mean", last.rewardMean()));
      runContext.metric(Counter.of("kl", last.kl()));
    }
    runContext
        .logger()
        .info(
            "phase {} of run {} ended: {} after step {} ({} steps this attempt), reset {}"
                + " recommended, checkpoint {}",
            r.phase(),
            run,
            p.stopReason(),
            p.steps(),
            p.history().size(),
            p.resetRecommended() ? "" : "not",
            p.checkpoint());
    return Output.builder()
        .checkpoint(p.checkpoint())
        .runId(run)
        .phase(r.phase())
        .startedFrom(r.startedFrom())
        .stopReason(p.stopReason().name())
        .resetRecommended(p.resetRecommended())
        .steps(p.steps())
        .resumedFromStep(p.resumedFromStep())
        .lastRewardMean(last == null ? null : Numbers.orNull(last.rewardMean()))
        .lastAccuracy(last == null ? null : Numbers.orNull(last.accuracy()))
        .lastKl(last == null ? null : Numbers.orNull(last.kl()))
        .bestValidation(Numbers.orNull(p.bestValidation()))
        .metrics(runContext.storage().putFile(metricsFile.toFile(), "step-metrics.jsonl"))
        .mlflowRunId(mlflowRunId)
        .build();
  }

  /** The resolved config as MLflow params; the S3 connection (a secret) stays out. */
  private static Map<String, String> params(TrainPhaseJob.Config c) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    resolved.put("trainer", c.trainer());
    resolved.put("limits", c.limits());
    resolved.put("resetOptimizer", c.resetOptimizer());
    resolved.put("checkpointEvery", c.checkpointEvery());
    resolved.put("keepLast", c.keepLast());
    resolved.put("seed", c.seed());
    resolved.put("device", c.device());
    resolved.put("policy", c.startPolicy());
    resolved.put("checkpointRoot", c.store().uri("").toString());
    return ConfigParams.of("", resolved);
  }

  private static Map<String, String> phaseTags(RunContext rc, TrainPhaseJob.Config c)
      throws Exception {
    Map<String, String> tags = new LinkedHashMap<>(Lineage.of(rc));
    if (c.datasetSha256() != null) {
      tags.put("prorl.dataset.sha256", c.datasetSha256());
    }
    return tags;
  }

  /** Closes the tracker after the phase failed, keeping the phase's error as the one thrown. */
  private static void closeAfterFailure(Optional<Tracker> tracker, Throwable error) {
    if (tracker.isPresent()) {
      try {
        tracker.get().close();
      } catch (Exception e) {
        error.addSuppressed(e);
      }
    }
  }

  private TrainerConfig trainerConfig(RunContext rc) throws Exception {
    LossConfig loss =
        new LossConfig(
            rc.render(epsLow).as(Double.class).orElse(0.2),
            rc.render(epsHigh).as(Double.class).orElse(0.28),
            rc.render(klCoef).as(Double.class).orElse(1e-3),
            rc.render(entropyCoef).as(Double.class).orElse(0.0),
            rc.render(aggregation)
                .as(LossConfig.Aggregation.class)
                .orElse(LossConfig.Aggregation.TOKEN));
    SamplingParams sampling =
        new SamplingParams(
            rc.render(temperature).as(Double.class).orElse(1.0),
            rc.render(topP).as(Double.class).orElse(1.0),
            0,
            rc.render(maxNewTokens).as(Integer.class).orElse(64),
            List.of(ChatTemplate.IM_END),
            0);
    return new TrainerConfig(
        rc.render(promptsPerStep).as(Integer.class).orElse(8),
        rc.render(groupSize).as(Integer.class).orElse(8),
        rc.render(updatesPerStep).as(Integer.class).orElse(2),
        rc.render(learningRate).as(Double.class).orElse(1e-4),
        rc.render(warmupSteps).as(Integer.class).orElse(0),
        rc.render(maxGradNorm).as(Double.class).orElse(1.0),
        loss,
        sampling,
        rc.render(scaleAdvantagesByStd).as(Boolean.class).orElse(true),
        rc.render(maskTruncated).as(Boolean.class).orElse(false),
        rc.render(maxSamplingRounds).as(Integer.class).orElse(3),
        rc.render(weightDecay).as(Double.class).orElse(0.0));
  }

  /** Step progress into the task log, step metrics into a JSONL file and Kestra timers. */
  private static final class PhaseProgress implements TrainingListener {
    private final RunContext runContext;
    private final int maxSteps;
    private final BufferedWriter metricsOut;
    private final long start = System.nanoTime();
    private int seen;

    PhaseProgress(RunContext runContext, int maxSteps, BufferedWriter metricsOut) {
      this.runContext = runContext;
      this.maxSteps = maxSteps;
      this.metricsOut = metricsOut;
    }

    @Override
    public void onStep(StepMetrics m) {
      seen++;
      double elapsed = (System.nanoTime() - start) / 1e9;
      double eta = elapsed / seen * (maxSteps - m.step());
      runContext
          .logger()
          .info(
              String.format(
                  Locale.ROOT,
                  "step %d/%d reward %.3f accuracy %.2f kl %.4f entropy %.3f kept %.2f"
                      + " clip %.3f/%.3f (%.1f s, ETA %.0f s)",
                  m.step(),
                  maxSteps,
                  m.rewardMean(),
                  m.accuracy(),
                  m.kl(),
                  m.entropy(),
                  m.keptFraction(),
                  m.clipFractionLow(),
                  m.clipFractionHigh(),
                  m.wallSeconds(),
                  eta));
      runContext.metric(
          Timer.of("step.duration", Duration.ofNanos((long) (m.wallSeconds() * 1e9))));
      try {
        metricsOut.write(Json.MAPPER.writeValueAsString(m));
        metricsOut.newLine();
        metricsOut.flush();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void onWarning(String message) {
      runContext.logger().warn(message);
    }

    @Override
    public void onCheckpoint(String uri, int step) {
      runContext.logger().info("checkpoint at step {}: {}", step, uri);
    }

    @Override
    public void onCheckpointDeleted(String uri) {
      runContext.logger().info("retention: deleted checkpoint {}", uri);
    }
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "URI of the phase-end checkpoint (an HF directory with MANIFEST.json).")
    private final String checkpoint;

    @Schema(title = "The run id.")
    private final String runId;

    @Schema(title = "The phase that ran (1 = first).")
    private final int phase;

    @Schema(title = "The policy this phase started from (lineage parent).")
    private final String startedFrom;

    @Schema(title = "Why the phase stopped: MAX_STEPS, MAX_DURATION, PLATEAU, KL_LIMIT, ...")
    private final String stopReason;

    @Schema(title = "Whether the next phase should reset (plateau or KL runaway).")
    private final boolean resetRecommended;

    @Schema(title = "Steps done in this phase, resumed ones included.")
    private final int steps;

    @Schema(title = "The step a resumed attempt continued after (0 when it started fresh).")
    private final int resumedFromStep;

    @Schema(title = "Mean reward of the last step.")
    private final Double lastRewardMean;

    @Schema(title = "Share of fully correct responses in the last step.")
    private final Double lastAccuracy;

    @Schema(title = "Mean KL to the reference in the last step.")
    private final Double lastKl;

    @Schema(title = "Best validation pass@1 of the phase.")
    private final Double bestValidation;

    @Schema(title = "Every step's metrics (JSONL, internal storage).")
    private final URI metrics;

    @Schema(title = "The phase's MLflow run id (nested under the execution's run), when tracked.")
    private final String mlflowRunId;
  }
}
