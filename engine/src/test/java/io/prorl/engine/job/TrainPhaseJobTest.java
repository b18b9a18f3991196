package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
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

  private TrainPhaseJob.Config config(FileCheckpointStore store, Path base, int steps) {
    SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, 8, List.of(ChatTemplate.IM_END), 0);
    TrainerConfig trainer =
        new TrainerConfig(2, 4, 1, 1e-3, 0, 1.0, LossConfig.prorl(), sampling, true, false, 1, 0.0);
    return new TrainPhaseJob.Config(
        store,
        "run1",
        base.toUri().toString(),
        trainer,
        new PhaseLimits(steps, null, 0, 0, 0),
        1,
        3,
        "cpu",
        "sha",
        Map.of("test", "yes"));
  }

  @Test
  void phasesChainThroughTheirEndCheckpointsAndACrashedPhaseResumes() throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> train = families.generate("arithmetic", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));

    TrainPhaseJob.Result first =
        TrainPhaseJob.run(
            config(store, base, 2), train, List.of(), families, TrainingListener.NONE);
    assertThat(first.phase()).isEqualTo(1);
    assertThat(first.startedFrom()).isEqualTo(base.toUri().toString());
    assertThat(first.result().checkpoint()).endsWith("run1/phase-0001/step-000002/");

    TrainPhaseJob.Result second =
        TrainPhaseJob.run(
            config(store, base, 2), train, List.of(), families, TrainingListener.NONE);
    assertThat(second.phase()).isEqualTo(2);
    assertThat(second.startedFrom()).isEqualTo(first.result().checkpoint());
    assertThat(second.result().resumedFromStep()).isZero();

    // a crash after step 1 of phase 2: its end checkpoint never became complete
    Files.delete(tmp.resolve("ckpt/run1/phase-0002/step-000002/" + Checkpointer.MANIFEST));
    Checkpointer reader = new Checkpointer(store, null, null, null, Map.of());
    assertThat(new RunProgress(reader, "run1").phaseToRun()).isEqualTo(2);

    TrainPhaseJob.Result retried =
        TrainPhaseJob.run(
            config(store, base, 2), train, List.of(), families, TrainingListener.NONE);
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
}
