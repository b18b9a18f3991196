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
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.CheckpointPlan;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.PhaseTrainer;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.Validator;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * @param resetOptimizer true: a phase starts with fresh AdamW moments (ProRL v1); false: it
   *     carries the previous phase's moments across the reference reset (ProRL v2)
   * @param checkpointEvery a resume point every this many steps
   * @param keepLast step checkpoints of the run to keep besides phase starts and ends (0 = all)
   * @param seed the run's seed; phase p uses seed * 1000 + p
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
      boolean resetOptimizer,
      int checkpointEvery,
      int keepLast,
      long seed,
      String device,
      String datasetSha256,
      Map<String, String> lineage,
      String taskKey,
      S3CheckpointStore.Settings s3) {}

  /** The manifest lineage entry naming the task that wrote a checkpoint. */
  public static final String TASK_KEY = "prorl.task";

  /**
   * @param phase the phase that ran (or resumed)
   * @param startedFrom the policy the phase started from (a checkpoint URI or the start policy)
   * @param phase result with stop reason, reset recommendation and the end checkpoint URI
   */
  public record Result(int phase, String startedFrom, PhaseResult result) {}

  private TrainPhaseJob() {}

  public static Result run(
      Config config,
      List<Problem> train,
      List<Problem> validation,
      TaskFamilies families,
      TrainingListener listener)
      throws IOException {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("train: the training set is empty");
    }
    DjlEngine.gradientsOffOnThisThread();
    Device device = Devices.resolve(config.device());
    Path work = Files.createTempDirectory("prorl-phase");
    try (RunLease lease =
        RunLease.acquire(
            config.store(),
            config.runId(),
            holder(config),
            RunLease.Timing.defaults(),
            listener::onWarning)) {
      Probe probe = probe(config, work.resolve("tokenizer-probe"));
      int phase = probe.phase();
      Path policyDir = probe.policyDir();
      listener.onPhaseStart(phase, probe.startedFrom());
      Checkpointer checkpointer =
          new Checkpointer(
              config.store(),
              policyDir.resolve(HfModelDir.TOKENIZER),
              probe.startedFrom(),
              config.datasetSha256(),
              lineage(config));
      try (Tokenizer tokenizer = Tokenizer.load(policyDir.resolve(HfModelDir.TOKENIZER));
          Qwen2Model policy = HfModelDir.load(policyDir, device)) {
        long seed = config.seed() * 1000 + phase;
        RolloutGenerator rollouts =
            new RolloutGenerator(
                policy,
                tokenizer,
                families,
                config.trainer().sampling(),
                config.trainer().groupSize());
        Validator validator =
            validation.isEmpty()
                ? null
                : new Validator(
                    tokenizer, families, validation, config.trainer().sampling().maxNewTokens());
        PhaseResult result =
            new PhaseTrainer(config.trainer(), config.limits(), probe.carried())
                .run(
                    policy,
                    rollouts::rollout,
                    new ProblemStream(train, seed),
                    validator == null ? null : validator::passAt1,
                    listener,
                    seed,
                    new CheckpointPlan(
                        checkpointer,
                        config.runId(),
                        phase,
                        config.checkpointEvery(),
                        config.keepLast()));
        if (!lease.held()) {
          throw new IllegalStateException(
              "run "
                  + config.runId()
                  + ": another trainer took the lease over while this phase ran (its heartbeat"
                  + " stalled); the run's newest checkpoints may come from either");
        }
        return new Result(phase, probe.startedFrom(), result);
      }
    } finally {
      FileTrees.delete(work);
    }
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
