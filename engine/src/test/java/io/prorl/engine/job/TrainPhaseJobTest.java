package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The phase job picks its phase and its incoming policy from the run's complete checkpoints: phase
 * 2 starts from phase 1's end, and a phase whose end was never written (a crash) resumes.
 */
class TrainPhaseJobTest {
  @TempDir Path tmp;

  /**
   * @param task the calling task (a Kestra task run): the same for every retry of it
   */
  private TrainPhaseJob.Config config(
      FileCheckpointStore store, Path base, int steps, String task) {
    return config(store, base, steps, true, task);
  }

  private TrainPhaseJob.Config config(
      FileCheckpointStore store, Path base, int steps, boolean resetOptimizer, String task) {
    SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, 8, List.of(), 0);
    TrainerConfig trainer =
        TrainerConfig.builder()
            .promptsPerStep(2)
            .groupSize(4)
            .updatesPerStep(1)
            .learningRate(1e-3)
            .loss(LossConfig.prorl())
            .sampling(sampling)
            .maxSamplingRounds(1)
            .build();
    return TrainPhaseJob.Config.builder(store, "run1", base.toUri().toString())
        .trainer(trainer)
        .limits(new PhaseLimits(steps, null, 0, 0, 0))
        .resetOptimizer(resetOptimizer)
        .checkpointEvery(1)
        .seed(3)
        .datasetSha256("sha")
        .lineage(Map.of("test", "yes"))
        .taskKey(task)
        .build();
  }

  @Test
  void phasesChainThroughTheirEndCheckpointsAndACrashedPhaseResumes() throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("arithmetic", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));

    TrainPhaseJob.Result first =
        TrainPhaseJob.run(
            config(store, base, 2, "task-1"), train, List.of(), families, TrainingListener.NONE);
    assertThat(first.phase()).isEqualTo(1);
    assertThat(first.startedFrom()).isEqualTo(base.toUri().toString());
    assertThat(first.result().checkpoint()).endsWith("run1/phase-0001/step-000002/");

    TrainPhaseJob.Result second =
        TrainPhaseJob.run(
            config(store, base, 2, "task-2"), train, List.of(), families, TrainingListener.NONE);
    assertThat(second.phase()).isEqualTo(2);
    assertThat(second.startedFrom()).isEqualTo(first.result().checkpoint());
    assertThat(second.result().resumedFromStep()).isZero();

    // a crash after step 1 of phase 2: its end checkpoint never became complete
    Files.delete(tmp.resolve("ckpt/run1/phase-0002/step-000002/" + Checkpointer.MANIFEST));
    Checkpointer reader = new Checkpointer(store, null, null, null, Map.of());
    assertThat(new RunProgress(reader, "run1").phaseToRun()).isEqualTo(2);

    TrainPhaseJob.Result retried =
        TrainPhaseJob.run(
            config(store, base, 2, "task-2"), train, List.of(), families, TrainingListener.NONE);
    assertThat(retried.phase()).isEqualTo(2);
    assertThat(retried.result().resumedFromStep()).isEqualTo(1);
    assertThat(retried.result().history()).hasSize(1);
    assertThat(retried.result().history().get(0).step()).isEqualTo(2);
    assertThat(new RunProgress(reader, "run1").phaseToRun()).isEqualTo(3);
    // every checkpoint is a complete HF directory
    Path end = tmp.resolve("ckpt/run1/phase-0002/step-000002");
    assertThat(end.resolve("config.json")).exists();
    assertThat(end.resolve("model.safetensors")).exists();
    assertThat(end.resolve("tokenizer.json")).exists();
    Checkpointer.verifyLocal(end);
  }

  @Test
  void saveDtypeOverridesTheStartPolicysDtypeAndKeepsFp32MastersBesideIt() throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("arithmetic", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1); // f32
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    TrainPhaseJob.Config bf16 =
        TrainPhaseJob.Config.builder(store, "run1", base.toUri().toString())
            .trainer(config(store, base, 1, "t").trainer())
            .limits(new PhaseLimits(1, null, 0, 0, 0))
            .saveDtype(io.prorl.engine.io.SafeTensors.DType.BF16)
            .build();
    TrainPhaseJob.Result r =
        TrainPhaseJob.run(bf16, train, List.of(), families, TrainingListener.NONE);
    Path end = Path.of(java.net.URI.create(r.result().checkpoint()));
    assertThat(HfModelDir.policyDtype(end)).isEqualTo(io.prorl.engine.io.SafeTensors.DType.BF16);
    assertThat(end.resolve(HfModelDir.MASTER_WEIGHTS)).exists();
    assertThat(end.resolve("tokenizer_config.json")).exists();
    assertThat(bf16.params().toString()).contains("BF16");
  }

  @Test
  void aRetryAfterItsPhaseEndedReturnsThatPhaseInsteadOfStartingTheNext() throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("arithmetic", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    TrainPhaseJob.Result first =
        TrainPhaseJob.run(
            config(store, base, 2, "task-1"), train, List.of(), families, TrainingListener.NONE);

    // the task failed after the phase end was written (e.g. tracking): Kestra retries it
    List<String> warnings = new java.util.ArrayList<>();
    TrainPhaseJob.Result retried =
        TrainPhaseJob.run(
            config(store, base, 2, "task-1"),
            train,
            List.of(),
            families,
            new TrainingListener() {
              @Override
              public void onStep(io.prorl.engine.rl.StepMetrics m) {
                throw new AssertionError("the retry trained step " + m.step());
              }

              @Override
              public void onWarning(String message) {
                warnings.add(message);
              }
            });
    assertThat(retried.phase()).isEqualTo(1);
    assertThat(retried.startedFrom()).isEqualTo(first.startedFrom());
    assertThat(retried.result().checkpoint()).isEqualTo(first.result().checkpoint());
    assertThat(retried.result().history()).isEmpty();
    assertThat(warnings).containsExactly("phase 1 already ended at step 2; nothing to do");
    Checkpointer reader = new Checkpointer(store, null, null, null, Map.of());
    assertThat(new RunProgress(reader, "run1").phaseToRun()).isEqualTo(2);
    assertThat(tmp.resolve("ckpt/run1/phase-0002")).doesNotExist();
    assertThat(
            reader
                .manifest(
                    io.prorl.engine.checkpoint.CheckpointId.parse("run1/phase-0001/step-000002/"))
                .lineage())
        .containsEntry(TrainPhaseJob.TASK_KEY, "task-1")
        .containsEntry("test", "yes");
  }

  @Test
  void proRlV2KeepsTheOptimizerMomentsAcrossTheReset() throws Exception {
    // digit-share rewards are partial, so groups are mixed and every step updates
    TaskFamilies families = new TaskFamilies(List.of(new io.prorl.engine.DigitFamily()));
    List<Problem> train = families.generate("digits", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    TrainPhaseJob.run(
        config(store, base, 1, "task-1"), train, List.of(), families, TrainingListener.NONE);
    TrainPhaseJob.run(
        config(store, base, 1, false, "task-2"), train, List.of(), families, TrainingListener.NONE);
    TrainPhaseJob.run(
        config(store, base, 1, true, "task-3"), train, List.of(), families, TrainingListener.NONE);
    Path phase1End = tmp.resolve("ckpt/run1/phase-0001/step-000001");
    Path phase2Start = tmp.resolve("ckpt/run1/phase-0002/step-000000");
    Path phase3Start = tmp.resolve("ckpt/run1/phase-0003/step-000000");
    // v2: phase 2 starts with phase 1's moments; v1: phase 3 starts without any
    assertThat(Files.readAllBytes(phase2Start.resolve(Checkpointer.OPTIMIZER)))
        .isEqualTo(Files.readAllBytes(phase1End.resolve(Checkpointer.OPTIMIZER)));
    assertThat(phase3Start.resolve(Checkpointer.OPTIMIZER)).doesNotExist();
    Checkpointer reader = new Checkpointer(store, null, null, null, Map.of());
    long phase1Steps =
        reader
            .state(io.prorl.engine.checkpoint.CheckpointId.parse("run1/phase-0001/step-000001/"))
            .optimizerSteps();
    long phase2StartSteps =
        reader
            .state(io.prorl.engine.checkpoint.CheckpointId.parse("run1/phase-0002/step-000000/"))
            .optimizerSteps();
    assertThat(phase1Steps).isPositive();
    assertThat(phase2StartSteps).isEqualTo(phase1Steps);
  }

  @Test
  void theRunBudgetCutsTheLastPhaseAndEndsTheRun() throws Exception {
    TaskFamilies families = new TaskFamilies(List.of(new io.prorl.engine.DigitFamily()));
    List<Problem> train = families.generate("digits", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    RunBudget budget = new RunBudget(3, null);

    TrainPhaseJob.Result first =
        TrainPhaseJob.run(
            withBudget(config(store, base, 2, "task-1"), budget),
            train,
            List.of(),
            families,
            TrainingListener.NONE);
    assertThat(first.run().steps()).isEqualTo(2);
    assertThat(first.run().done()).isFalse();
    assertThat(first.run().stopReason()).isNull();

    TrainPhaseJob.Result second =
        TrainPhaseJob.run(
            withBudget(config(store, base, 2, "task-2"), budget),
            train,
            List.of(),
            families,
            TrainingListener.NONE);
    assertThat(second.phase()).isEqualTo(2);
    assertThat(second.result().steps()).as("cut to the one step the budget has left").isEqualTo(1);
    assertThat(second.run().steps()).isEqualTo(3);
    assertThat(second.run().done()).isTrue();
    assertThat(second.run().stopReason()).isEqualTo(RunBudget.RunStopReason.RUN_MAX_STEPS);
    assertThat(second.run().resets()).isEqualTo(1);

    // one more loop iteration would train nothing: it returns the newest phase end
    List<String> warnings = new java.util.ArrayList<>();
    TrainPhaseJob.Result third =
        TrainPhaseJob.run(
            withBudget(config(store, base, 2, "task-3"), budget),
            train,
            List.of(),
            families,
            warningsInto(warnings));
    assertThat(third.phase()).isEqualTo(2);
    assertThat(third.result().checkpoint()).isEqualTo(second.result().checkpoint());
    assertThat(third.run().done()).isTrue();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0))
        .startsWith("run run1: budget already spent (RUN_MAX_STEPS, 3 steps");
    assertThat(tmp.resolve("ckpt/run1/phase-0003")).doesNotExist();

    // every step of every phase is in the run's metrics files
    assertThat(PhaseMetricsLog.read(store, "run1", 1))
        .extracting(PhaseMetricsLog.Entry::step)
        .containsExactly(1, 2);
    assertThat(PhaseMetricsLog.read(store, "run1", 2))
        .extracting(PhaseMetricsLog.Entry::step)
        .containsExactly(1);
  }

  @Test
  void aStalledValidationEndsThePhaseWithAResetRecommendedInOutputsLogsAndMlflow()
      throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("arithmetic", Map.of(), 1, 20);
    // 8 new tokens cannot hold an answer to a 12-vertex coloring: validation stays at 0, a stall
    List<Problem> validation = families.generate("graph_color", Map.of("vertices", 12), 2, 3);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    List<String> seen = new java.util.ArrayList<>();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onStep(io.prorl.engine.rl.StepMetrics m) {}

          @Override
          public void onValidation(int step, io.prorl.engine.rl.Validation v) {
            seen.add(step + ":" + v.blend() + ":" + v.perFamily());
          }
        };
    TrainPhaseJob.Config c = config(store, base, 20, "task-1");
    c =
        TrainPhaseJob.Config.builder(store, "run1", c.startPolicy())
            .trainer(c.trainer())
            .limits(new PhaseLimits(20, null, 1, 2, 0))
            .validation(new io.prorl.engine.rl.ValidationConfig(3, 2, 0.6, 0.95, 5))
            .checkpointEvery(1)
            .build();
    TrainPhaseJob.Result r;
    try (io.prorl.engine.MlflowStandIn mlflow =
        io.prorl.engine.MlflowStandIn.start(tmp.resolve("artifacts").toUri().toString())) {
      var settings =
          new io.prorl.engine.tracking.MlflowSettings(
              mlflow.uri(),
              "prorl-test",
              null,
              null,
              null,
              tmp.resolve("spool"),
              true,
              java.time.Duration.ofSeconds(30),
              null);
      var execution =
          io.prorl.engine.tracking.TrackedRun.root("prorl-test", "kestra/ex1", "ex1", Map.of());
      io.prorl.engine.tracking.PhaseTrackingSession tracking =
          io.prorl.engine.tracking.PhaseTrackingSession.open(
              java.util.Optional.of(settings),
              execution,
              "run1",
              c.params(),
              Map.of(),
              io.prorl.engine.tracking.TrackingLog.STDERR);
      try (tracking) {
        r =
            TrainPhaseJob.run(
                c,
                train,
                validation,
                families,
                listener,
                tracking,
                java.time.InstantSource.system());
      }
      // MLflow: the phase run says why it ended and that a reset is due; the checks are metrics
      io.prorl.engine.MlflowStandIn.Run phase = mlflow.runTagged("prorl.phase", "1").orElseThrow();
      assertThat(phase.tags)
          .containsEntry("prorl.stopReason", "PLATEAU")
          .containsEntry("prorl.resetRecommended", "true")
          .containsEntry("prorl.run.done", "false");
      assertThat(phase.metrics.get("validation.blend"))
          .extracting(io.prorl.engine.MlflowStandIn.Point::step)
          .containsExactly(1L, 2L, 3L);
      assertThat(phase.metrics).containsKey("validation.graph_color.pass_at_1");
      assertThat(mlflow.violations()).isEmpty();
    }
    assertThat(r.result().stopReason())
        .isEqualTo(io.prorl.engine.rl.PhaseResult.StopReason.PLATEAU);
    assertThat(r.result().resetRecommended()).isTrue();
    assertThat(r.result().steps())
        .as("patience 2: the third check without a new best")
        .isEqualTo(3);
    // the listener (a Kestra task's log) saw every check, per family
    assertThat(seen)
        .containsExactly(
            "1:0.0:{graph_color=0.0}", "2:0.0:{graph_color=0.0}", "3:0.0:{graph_color=0.0}");
    assertThat(PhaseMetricsLog.read(store, "run1", 1))
        .extracting(e -> e.validation() == null ? null : e.validation().blend())
        .containsExactly(0.0, 0.0, 0.0);
    assertThat(r.run().done()).as("a stall ends the phase, not the run").isFalse();
  }

  @Test
  void theRunTimeBudgetIsMeasuredOnTheGivenClock() throws Exception {
    TaskFamilies families = new TaskFamilies(List.of(new io.prorl.engine.DigitFamily()));
    List<Problem> train = families.generate("digits", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    // a clock that moves one minute each time it is read: a 4-minute budget ends the run early
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    java.time.Instant origin = java.time.Instant.now();
    java.time.InstantSource clock =
        () -> origin.plus(java.time.Duration.ofMinutes(reads.getAndIncrement()));
    TrainPhaseJob.Config c =
        withBudget(
            config(store, base, 50, "task-1"), new RunBudget(0, java.time.Duration.ofMinutes(4)));
    TrainPhaseJob.Result r =
        TrainPhaseJob.run(
            c,
            train,
            List.of(),
            families,
            TrainingListener.NONE,
            io.prorl.engine.tracking.PhaseTrackingSession.off(),
            clock);
    assertThat(r.result().stopReason())
        .isEqualTo(io.prorl.engine.rl.PhaseResult.StopReason.MAX_DURATION);
    assertThat(r.result().steps()).isBetween(1, 5);
    assertThat(r.run().done()).isTrue();
    assertThat(r.run().stopReason()).isEqualTo(RunBudget.RunStopReason.RUN_MAX_DURATION);
  }

  private static TrainPhaseJob.Config withBudget(TrainPhaseJob.Config c, RunBudget budget) {
    return TrainPhaseJob.Config.builder(c.store(), c.runId(), c.startPolicy())
        .trainer(c.trainer())
        .limits(c.limits())
        .budget(budget)
        .resetOptimizer(c.resetOptimizer())
        .checkpointEvery(c.checkpointEvery())
        .seed(c.seed())
        .datasetSha256(c.datasetSha256())
        .lineage(c.lineage())
        .taskKey(c.taskKey())
        .build();
  }

  private static TrainingListener warningsInto(List<String> warnings) {
    return new TrainingListener() {
      @Override
      public void onStep(io.prorl.engine.rl.StepMetrics m) {}

      @Override
      public void onWarning(String message) {
        warnings.add(message);
      }
    };
  }
}
