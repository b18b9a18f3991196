package io.prorl.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.FaultyProxy;
import io.prorl.engine.S3MockServer;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.CheckpointPlan;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.PhaseTrainer;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage failing under a phase: connections to S3 cut in the middle of a checkpoint upload (a
 * fault-injecting TCP proxy in front of a real S3 server, S3Mock), and a local checkpoint root that
 * runs out of space (a small tmpfs, mounted as root as the sandbox tests need). The phase fails
 * naming the object, no checkpoint without its manifest is ever used, earlier checkpoints stay
 * intact, and the next attempt resumes from the newest complete checkpoint and ends exactly as a
 * run that never met the fault.
 */
class StorageFaultTest {
  private static final TaskFamily DIGITS = new DigitFamily();
  private static final SamplingParams SAMPLING = new SamplingParams(1.0, 1.0, 0, 6, List.of(), 0);
  private static final TrainerConfig CONFIG =
      TrainerConfig.builder()
          .promptsPerStep(2)
          .groupSize(4)
          .learningRate(2e-3)
          .loss(new LossConfig(0.2, 0.28, 0.05, 0, LossConfig.Aggregation.TOKEN))
          .sampling(SAMPLING)
          .build();
  private static final PhaseLimits LIMITS = new PhaseLimits(4, null, 0, 0, 0, 0);
  private static final String WEIGHT = "model.layers.3.mlp.down_proj.weight";

  @TempDir Path dir;

  private PhaseResult phase(
      Qwen2Model policy,
      Tokenizer tokenizer,
      CheckpointStore store,
      String runId,
      TrainingListener listener) {
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      train.add(DIGITS.generate(Map.of(), 0, i));
    }
    Checkpointer checkpointer =
        new Checkpointer(store, dir.resolve("tokenizer.json"), null, null, Map.of());
    RolloutGenerator rollouts =
        new RolloutGenerator(policy, tokenizer, new TaskFamilies(List.of(DIGITS)), SAMPLING, 4);
    return new PhaseTrainer(CONFIG, LIMITS)
        .run(
            policy,
            rollouts::rollout,
            new ProblemStream(train, 5),
            null,
            listener,
            21,
            new CheckpointPlan(checkpointer, runId, 1, 1));
  }

  @Test
  void anUploadCutMidwayFailsThePhaseAndTheRetryResumesFromTheLastCompleteCheckpoint()
      throws Exception {
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    try (S3MockServer s3 = S3MockServer.start("ckpt");
        FaultyProxy proxy = FaultyProxy.to(s3.port());
        Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        S3CheckpointStore direct = S3CheckpointStore.open("s3://ckpt/runs", s3.settings());
        S3CheckpointStore proxied =
            S3CheckpointStore.open(
                "s3://ckpt/runs",
                new S3CheckpointStore.Settings(
                    proxy.endpoint(),
                    "us-east-1",
                    true,
                    S3MockServer.ACCESS_KEY,
                    S3MockServer.SECRET_KEY))) {
      List<StepMetrics> straight;
      float[] straightWeights;
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
        straight = phase(policy, tokenizer, direct, "straight", TrainingListener.NONE).history();
        straightWeights = policy.parameters().get(WEIGHT).toFloatArray();
      }

      TrainingListener cutAfterStepTwo =
          new TrainingListener() {
            @Override
            public void onStep(StepMetrics metrics) {}

            @Override
            public void onCheckpoint(String uri, int step) {
              if (step == 2) {
                proxy.cutAfter(4096); // step 3's upload breaks after 4 KiB on every connection
              }
            }
          };
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
        assertThatThrownBy(() -> phase(policy, tokenizer, proxied, "cut", cutAfterStepTwo))
            .hasMessageContaining("checkpoint I/O failed")
            .hasMessageContaining("s3://ckpt/runs/cut/phase-0001/step-000003/");
      }
      assertThat(proxy.cuts()).isPositive();
      Checkpointer reader =
          new Checkpointer(direct, dir.resolve("tokenizer.json"), null, null, Map.of());
      assertThat(direct.exists("cut/phase-0001/step-000003/" + Checkpointer.MANIFEST)).isFalse();
      assertThat(reader.latestComplete("cut", 1)).map(CheckpointId::step).contains(2);

      proxy.heal();
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 99, Device.cpu())) {
        PhaseResult resumed = phase(policy, tokenizer, proxied, "cut", TrainingListener.NONE);
        assertThat(resumed.resumedFromStep()).isEqualTo(2);
        assertThat(resumed.history())
            .extracting(StepMetrics::rewardMean)
            .containsExactly(straight.get(2).rewardMean(), straight.get(3).rewardMean());
        assertThat(policy.parameters().get(WEIGHT).toFloatArray()).containsExactly(straightWeights);
      }
      assertThat(reader.latestComplete("cut", 1)).map(CheckpointId::step).contains(4);
    }
  }

  @Test
  void aFullLocalDiskFailsThePhaseNamingTheFileAndKeepsEarlierCheckpoints() throws Exception {
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    Path small = Files.createDirectories(dir.resolve("small"));
    long parameters;
    try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
      parameters = policy.parameters().values().stream().mapToLong(a -> a.size()).sum();
    }
    // a checkpoint holds F32 weights and AdamW's two F32 moments: 12 bytes per parameter;
    // one and a half of that holds the first checkpoint and not the second
    long bytes = parameters * 12 * 3 / 2;
    run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", small.toString());
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        FileCheckpointStore store = new FileCheckpointStore(small)) {
      try (Qwen2Model policy = Qwen2Model.initialize(EmbeddedDefault.config(), 4, Device.cpu())) {
        assertThatThrownBy(() -> phase(policy, tokenizer, store, "full", TrainingListener.NONE))
            .hasMessageContaining("checkpoint I/O failed")
            .hasMessageContaining("No space left on device")
            .hasMessageContaining(small.resolve("full/phase-0001/step-000002").toString());
      }
      Checkpointer reader =
          new Checkpointer(store, dir.resolve("tokenizer.json"), null, null, Map.of());
      assertThat(reader.latestComplete("full", 1)).map(CheckpointId::step).contains(1);
      // every file of the earlier checkpoint verifies against its manifest
      assertThat(reader.load(new CheckpointId("full", 1, 1)).state().step()).isEqualTo(1);
    } finally {
      run("umount", small.toString());
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (needs root): " + out);
    }
  }
}
