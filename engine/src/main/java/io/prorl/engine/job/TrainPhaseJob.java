package io.prorl.engine.job;

import ai.djl.Device;
import io.prorl.engine.Devices;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.Manifest;
import io.prorl.engine.checkpoint.RunLease;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.io.FileTrees;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.CheckpointPlan;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.PhaseTrainer;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.Rules;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.ValidationBlend;
import io.prorl.engine.rl.ValidationCheck;
import io.prorl.engine.rl.ValidationConfig;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.engine.tracking.ConfigParams;
import io.prorl.engine.tracking.PhaseTrackingSession;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ProRL phase as a job: decides which phase of the run is due, finds the policy it starts from
 * (the newest finished phase of the run, else the given starting policy), and runs {@link
 * PhaseTrainer} with checkpoints in the run's store. Started again after a crash (a Kestra retry),
 * it continues the unfinished phase from its newest complete checkpoint. It holds the run's {@link
 * RunLease} throughout, so a second trainer of the same run waits instead of interleaving.
 */
public final class TrainPhaseJob {

  /**
   * @param store where the run's checkpoints live
   * @param runId the run
   * @param startPolicy the policy phase 1 starts from (a local HF dir or file: URI), used only
   *     while the run has no finished phase
   * @param trainer the RL hyperparameters
   * @param limits when the phase stops
   * @param validation how the phase validates (used when {@code limits.validateEvery() > 0})
   * @param budget what the whole run may spend; the phase's own limits are cut to what is left
   * @param resetOptimizer true: a phase starts with fresh AdamW moments (ProRL v1); false: it
   *     carries the previous phase's moments across the reference reset (ProRL v2)
   * @param checkpointEvery a resume point every this many steps
   * @param keepLast step checkpoints of the run to keep besides phase starts and ends (0 = all)
   * @param saveDtype the dtype of the checkpoints' policy files, or null for the start policy's
   * @param seed the run's seed; phase p uses Seeds.derive(seed, p)
   * @param device cpu, gpu or auto
   * @param datasetSha256 recorded in manifests
   * @param lineage recorded in manifests
   * @param taskKey the caller's unit of work (a Kestra task run), the same for each of its retries,
   *     or null: recorded in manifests as {@value #TASK_KEY}, so a retry that comes after its phase
   *     ended returns that phase instead of starting the next one
   * @param s3 how to reach S3 for an s3:// start policy
   */
  public record Config(
      CheckpointStore store,
      String runId,
      String startPolicy,
      TrainerConfig trainer,
      PhaseLimits limits,
      ValidationConfig validation,
      RunBudget budget,
      boolean resetOptimizer,
      int checkpointEvery,
      int keepLast,
      SafeTensors.DType saveDtype,
      long seed,
      String device,
      String datasetSha256,
      Map<String, String> lineage,
      String taskKey,
      S3CheckpointStore.Settings s3) {

    public static final int DEFAULT_CHECKPOINT_EVERY = 5;
    public static final int DEFAULT_KEEP_LAST = 0;
    public static final long DEFAULT_SEED = 1;
    public static final String DEFAULT_DEVICE = "cpu";
    public static final boolean DEFAULT_RESET_OPTIMIZER = true;

    public Config {
      Rules.check(violations(checkpointEvery, keepLast, device));
      lineage = Map.copyOf(lineage);
    }

    /** The rules, for the constructor and for static checks (a null value is not known yet). */
    public static List<String> violations(
        Integer checkpointEvery, Integer keepLast, String device) {
      List<String> out = new ArrayList<>();
      Rules.atLeast(out, "checkpointEvery", checkpointEvery, 1);
      Rules.atLeast(out, "keepLast", keepLast, 0);
      if (device != null && !List.of("cpu", "gpu", "auto").contains(device)) {
        out.add("device must be cpu, gpu or auto, got " + device);
      }
      return out;
    }

    /** A config of the run {@code runId} in {@code store}, every other value at its default. */
    public static Builder builder(CheckpointStore store, String runId, String startPolicy) {
      return new Builder(store, runId, startPolicy);
    }

    /** The resolved config as MLflow params; the S3 connection (a secret) stays out. */
    public Map<String, String> params() {
      Map<String, Object> resolved = new LinkedHashMap<>();
      resolved.put("trainer", trainer);
      resolved.put("limits", limits);
      resolved.put("validation", validation);
      resolved.put("budget", budget);
      resolved.put("resetOptimizer", resetOptimizer);
      resolved.put("checkpointEvery", checkpointEvery);
      resolved.put("keepLast", keepLast);
      resolved.put("saveDtype", saveDtype == null ? "the start policy's" : saveDtype.name());
      resolved.put("seed", seed);
      resolved.put("device", device);
      resolved.put("policy", startPolicy);
      resolved.put("checkpointRoot", store.uri("").toString());
      return ConfigParams.of("", resolved);
    }
  }

  /** Named construction of a {@link Config}. */
  public static final class Builder {
    private final CheckpointStore store;
    private final String runId;
    private final String startPolicy;
    private TrainerConfig trainer = TrainerConfig.DEFAULTS;
    private PhaseLimits limits = PhaseLimits.DEFAULTS;
    private ValidationConfig validation = ValidationConfig.DEFAULTS;
    private RunBudget budget = RunBudget.NONE;
    private boolean resetOptimizer = Config.DEFAULT_RESET_OPTIMIZER;
    private int checkpointEvery = Config.DEFAULT_CHECKPOINT_EVERY;
    private int keepLast = Config.DEFAULT_KEEP_LAST;
    private SafeTensors.DType saveDtype;
    private long seed = Config.DEFAULT_SEED;
    private String device = Config.DEFAULT_DEVICE;
    private String datasetSha256;
    private Map<String, String> lineage = Map.of();
    private String taskKey;
    private S3CheckpointStore.Settings s3;

    private Builder(CheckpointStore store, String runId, String startPolicy) {
      this.store = store;
      this.runId = runId;
      this.startPolicy = startPolicy;
    }

    public Builder trainer(TrainerConfig v) {
      trainer = v;
      return this;
    }

    public Builder limits(PhaseLimits v) {
      limits = v;
      return this;
    }

    public Builder validation(ValidationConfig v) {
      validation = v;
      return this;
    }

    public Builder budget(RunBudget v) {
      budget = v;
      return this;
    }

    public Builder resetOptimizer(boolean v) {
      resetOptimizer = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder keepLast(int v) {
      keepLast = v;
      return this;
    }

    /** The checkpoints' policy dtype; null keeps the start policy's. */
    public Builder saveDtype(SafeTensors.DType v) {
      saveDtype = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder device(String v) {
      device = v;
      return this;
    }

    public Builder datasetSha256(String v) {
      datasetSha256 = v;
      return this;
    }

    public Builder lineage(Map<String, String> v) {
      lineage = v;
      return this;
    }

    public Builder taskKey(String v) {
      taskKey = v;
      return this;
    }

    public Builder s3(S3CheckpointStore.Settings v) {
      s3 = v;
      return this;
    }

    public Config build() {
      return new Config(
          store,
          runId,
          startPolicy,
          trainer,
          limits,
          validation,
          budget,
          resetOptimizer,
          checkpointEvery,
          keepLast,
          saveDtype,
          seed,
          device,
          datasetSha256,
          lineage,
          taskKey,
          s3);
    }
  }

  /** The manifest lineage entry naming the task that wrote a checkpoint. */
  public static final String TASK_KEY = "prorl.task";

  /**
   * @param phase the phase that ran (or resumed)
   * @param startedFrom the policy the phase started from (a checkpoint URI or the start policy)
   * @param result the phase's stop reason, reset recommendation and end checkpoint URI
   * @param run where the whole run stands after this phase
   */
  public record Result(int phase, String startedFrom, PhaseResult result, RunState run) {}

  /**
   * The run after a phase.
   *
   * @param steps RL steps of all phases so far
   * @param elapsed wall time since the run's first checkpoint
   * @param done whether the loop over phases should stop
   * @param stopReason why the run is done, or null while it goes on
   * @param resets reference resets so far (every phase after the first began with one)
   */
  public record RunState(
      int steps,
      java.time.Duration elapsed,
      boolean done,
      RunBudget.RunStopReason stopReason,
      int resets) {}

  private TrainPhaseJob() {}

  /** One phase on the system clock, without MLflow. */
  public static Result run(
      Config config,
      List<Problem> train,
      List<Problem> validation,
      TaskFamilies families,
      TrainingListener listener)
      throws IOException {
    return run(
        config,
        train,
        validation,
        families,
        listener,
        PhaseTrackingSession.off(),
        InstantSource.system());
  }

  /**
   * @param tracking the phase's MLflow session (told the phase's end or failure)
   * @param clock the time limits and the run's time budget are measured on
   */
  public static Result run(
      Config config,
      List<Problem> train,
      List<Problem> validation,
      TaskFamilies families,
      TrainingListener listener,
      PhaseTrackingSession tracking,
      InstantSource clock)
      throws IOException {
    try {
      Result r = runPhase(config, train, validation, families, listener, tracking, clock);
      tracking.finished(r.result(), runTags(r.run()));
      return r;
    } catch (IOException | RuntimeException | Error e) {
      tracking.failed(e);
      throw e;
    }
  }

  private static Result runPhase(
      Config config,
      List<Problem> train,
      List<Problem> validation,
      TaskFamilies families,
      TrainingListener outer,
      TrainingListener tracking,
      InstantSource clock)
      throws IOException {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("train: the training set is empty");
    }
    if (config.limits().validateEvery() > 0 && validation.isEmpty()) {
      throw new IllegalArgumentException(
          "validation: validateEvery is "
              + config.limits().validateEvery()
              + " but the validation set is empty");
    }
    DjlEngine.gradientsOffOnThisThread();
    Device device = Devices.resolve(config.device());
    Path work = Files.createTempDirectory("prorl-phase");
    TrainingListener listener = TrainingListener.both(outer, tracking);
    try (RunLease lease =
        RunLease.acquire(
            config.store(),
            config.runId(),
            holder(config),
            RunLease.Timing.defaults(),
            listener::onWarning)) {
      Probe probe = probe(config, work.resolve("tokenizer-probe"));
      int phase = probe.phase();
      RunProgress progress =
          new RunProgress(
              new Checkpointer(config.store(), null, null, null, Map.of()), config.runId());
      int stepsBefore = progress.stepsBefore(phase);
      java.time.Instant runStart = progress.startedAt().orElse(clock.instant());
      java.time.Duration elapsedBefore = java.time.Duration.between(runStart, clock.instant());
      PhaseLimits limits = withinBudget(config, stepsBefore, elapsedBefore);
      if (limits == null) {
        return budgetSpent(config, progress, phase, stepsBefore, elapsedBefore, work, listener);
      }
      PhaseMetricsLog metrics =
          new PhaseMetricsLog(config.store(), config.runId(), work.resolve("metrics.jsonl"));
      listener = TrainingListener.both(metrics, listener);
      listener.onPhaseStart(phase, probe.startedFrom());
      Path policyDir = probe.policyDir();
      Checkpointer checkpointer =
          new Checkpointer(
                  config.store(),
                  policyDir.resolve(HfModelDir.TOKENIZER),
                  probe.startedFrom(),
                  config.datasetSha256(),
                  lineage(config))
              .withPolicyDtype(
                  config.saveDtype() != null
                      ? config.saveDtype()
                      : HfModelDir.policyDtype(policyDir));
      try (Tokenizer tokenizer = Tokenizer.load(policyDir.resolve(HfModelDir.TOKENIZER));
          Qwen2Model policy = HfModelDir.loadForTraining(policyDir, device)) {
        long seed = Seeds.derive(config.seed(), phase);
        RolloutGenerator rollouts =
            new RolloutGenerator(
                policy,
                tokenizer,
                families,
                config.trainer().sampling(),
                config.trainer().groupSize());
        ValidationCheck check =
            validation.isEmpty()
                ? null
                : new ValidationBlend(
                    tokenizer,
                    families,
                    validation,
                    config.validation(),
                    config.trainer().sampling().maxNewTokens());
        PhaseResult result =
            new PhaseTrainer(config.trainer(), limits, probe.carried(), clock)
                .run(
                    policy,
                    rollouts::rollout,
                    new ProblemStream(train, seed),
                    check,
                    listener,
                    seed,
                    new CheckpointPlan(
                        checkpointer,
                        config.runId(),
                        phase,
                        config.checkpointEvery(),
                        config.keepLast()));
        metrics.flush();
        if (!lease.held()) {
          throw new IllegalStateException(
              "run "
                  + config.runId()
                  + ": another trainer took the lease over while this phase ran (its heartbeat"
                  + " stalled); the run's newest checkpoints may come from either");
        }
        RunState run =
            runState(
                config,
                result.stopReason(),
                stepsBefore + result.steps(),
                java.time.Duration.between(runStart, clock.instant()),
                phase);
        return new Result(phase, probe.startedFrom(), result, run);
      }
    } finally {
      FileTrees.delete(work);
    }
  }

  /**
   * The phase's limits cut to what the run's budget has left, or null when nothing is left:
   * maxSteps_phase = min(maxSteps, runMaxSteps - stepsBefore), likewise for time.
   */
  private static PhaseLimits withinBudget(
      Config config, int stepsBefore, java.time.Duration elapsedBefore) {
    PhaseLimits limits = config.limits();
    RunBudget budget = config.budget();
    if (budget.maxSteps() > 0) {
      int left = budget.maxSteps() - stepsBefore;
      if (left < 1) {
        return null;
      }
      limits = limits.withMaxSteps(Math.min(limits.maxSteps(), left));
    }
    if (budget.maxDuration() != null) {
      java.time.Duration left = budget.maxDuration().minus(elapsedBefore);
      if (left.isNegative() || left.isZero()) {
        return null;
      }
      if (limits.maxDuration() == null || left.compareTo(limits.maxDuration()) < 0) {
        limits = limits.withMaxDuration(left);
      }
    }
    return limits;
  }

  private static RunState runState(
      Config config,
      PhaseResult.StopReason phaseStop,
      int steps,
      java.time.Duration elapsed,
      int phase) {
    RunBudget b = config.budget();
    RunBudget.RunStopReason reason = null;
    if (phaseStop == PhaseResult.StopReason.VALIDATION_TARGET) {
      reason = RunBudget.RunStopReason.VALIDATION_TARGET;
    } else if (b.maxSteps() > 0 && steps >= b.maxSteps()) {
      reason = RunBudget.RunStopReason.RUN_MAX_STEPS;
    } else if (b.maxDuration() != null && elapsed.compareTo(b.maxDuration()) >= 0) {
      reason = RunBudget.RunStopReason.RUN_MAX_DURATION;
    }
    return new RunState(steps, elapsed, reason != null, reason, phase - 1);
  }

  /** The run's budget was spent before this phase: nothing trains; the newest phase end stands. */
  private static Result budgetSpent(
      Config config,
      RunProgress progress,
      int phase,
      int stepsBefore,
      java.time.Duration elapsed,
      Path work,
      TrainingListener listener)
      throws IOException {
    Optional<CheckpointId> end = progress.latestPhaseEnd();
    RunBudget.RunStopReason reason =
        config.budget().maxSteps() > 0 && stepsBefore >= config.budget().maxSteps()
            ? RunBudget.RunStopReason.RUN_MAX_STEPS
            : RunBudget.RunStopReason.RUN_MAX_DURATION;
    listener.onWarning(
        "run "
            + config.runId()
            + ": budget already spent ("
            + reason
            + ", "
            + stepsBefore
            + " steps, "
            + elapsed.toSeconds()
            + " s); phase "
            + phase
            + " does not start");
    if (end.isEmpty()) {
      throw new IllegalStateException(
          "run " + config.runId() + ": budget spent before any phase ended");
    }
    Checkpointer reader = new Checkpointer(config.store(), null, null, null, Map.of());
    var state = reader.state(end.get());
    PhaseResult last =
        new PhaseResult(
            PhaseResult.StopReason.valueOf(state.stopReason()),
            false,
            state.step(),
            List.of(),
            state.validations(),
            state.validations().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
            config.store().uri(end.get().prefix()).toString(),
            state.step());
    return new Result(
        end.get().phase(),
        reader.manifest(end.get()).parent(),
        last,
        new RunState(stepsBefore, elapsed, true, reason, end.get().phase() - 1));
  }

  /** The run's state as MLflow tags of the phase run. */
  private static Map<String, String> runTags(RunState run) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("prorl.run.steps", Integer.toString(run.steps()));
    t.put("prorl.run.done", Boolean.toString(run.done()));
    if (run.stopReason() != null) {
      t.put("prorl.run.stopReason", run.stopReason().name());
    }
    return t;
  }

  private record Probe(
      int phase, Path policyDir, String startedFrom, PhaseTrainer.OptimizerCarry carried) {}

  /** Which phase is due and the local directory of the policy it starts from. */
  private static Probe probe(Config config, Path scratch) throws IOException {
    Checkpointer reader = new Checkpointer(config.store(), null, null, null, Map.of());
    RunProgress progress = new RunProgress(reader, config.runId());
    int phase = progress.phaseToRun();
    Optional<CheckpointId> previous = progress.latestPhaseEnd();
    if (previous.isPresent() && config.taskKey() != null) {
      Manifest end = reader.manifest(previous.get());
      if (config.taskKey().equals(end.lineage().get(TASK_KEY))) {
        // this task ran that phase to its end before failing (e.g. at tracking): a retry returns
        // the phase it was for, it does not start one more
        return new Probe(
            previous.get().phase(), reader.download(previous.get(), scratch), end.parent(), null);
      }
    }
    if (previous.isPresent() && previous.get().phase() < phase) {
      Path dir = reader.download(previous.get(), scratch);
      PhaseTrainer.OptimizerCarry carried = null;
      if (!config.resetOptimizer()) {
        Checkpointer.Loaded end = reader.load(previous.get());
        carried =
            new PhaseTrainer.OptimizerCarry(end.optimizerState(), end.state().optimizerSteps());
      }
      return new Probe(phase, dir, config.store().uri(previous.get().prefix()).toString(), carried);
    }
    if (phase > 1) {
      throw new IllegalStateException(
          "run "
              + config.runId()
              + ": phase "
              + phase
              + " is due but phase "
              + (phase - 1)
              + " has no end checkpoint");
    }
    return new Probe(
        phase,
        PolicyDirs.resolve(config.startPolicy(), config.s3(), scratch),
        config.startPolicy(),
        null);
  }

  /** Who holds the run's lease, as the waiting side reads it. */
  private static String holder(Config config) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return (config.taskKey() == null ? "a trainer" : "task " + config.taskKey())
        + " (pid "
        + ProcessHandle.current().pid()
        + " on "
        + host
        + ")";
  }

  private static Map<String, String> lineage(Config config) {
    Map<String, String> out = new java.util.LinkedHashMap<>(config.lineage());
    if (config.taskKey() != null) {
      out.put(TASK_KEY, config.taskKey());
    }
    return out;
  }
}
