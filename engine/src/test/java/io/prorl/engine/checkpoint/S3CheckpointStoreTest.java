package io.prorl.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.S3MockServer;
import io.prorl.engine.TestModels;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 checkpoint store against a real S3 server (S3Mock) on 127.0.0.1. */
class S3CheckpointStoreTest {
  private static S3MockServer server;
  private static S3CheckpointStore store;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = S3MockServer.start("ckpt");
    store = S3CheckpointStore.open("s3://ckpt/runs/team-a", server.settings());
  }

  @AfterAll
  static void stop() {
    store.close();
    server.close();
  }

  @Test
  void putGetListExistsDeleteUnderThePrefix() throws Exception {
    Path f = tmp.resolve("a.txt");
    Files.writeString(f, "hello");
    store.put("r1/x/a.txt", f);
    store.put("r1/y/b.txt", f);
    store.put("r2/c.txt", f);
    assertThat(store.list("r1/")).containsExactly("r1/x/a.txt", "r1/y/b.txt");
    assertThat(store.exists("r1/x/a.txt")).isTrue();
    assertThat(store.exists("r1/x/zz.txt")).isFalse();
    try (InputStream in = store.get("r1/x/a.txt")) {
      assertThat(new String(in.readAllBytes())).isEqualTo("hello");
    }
    assertThat(store.uri("r1/x/a.txt")).hasToString("s3://ckpt/runs/team-a/r1/x/a.txt");
    store.delete("r1/x/a.txt");
    assertThat(store.exists("r1/x/a.txt")).isFalse();
    assertThatThrownBy(() -> store.get("r1/x/a.txt"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("s3://ckpt/runs/team-a/r1/x/a.txt");
  }

  @Test
  void largeFilesGoUpInParallelPartsAndComeBackIdentical() throws Exception {
    Path big = tmp.resolve("big.bin");
    byte[] bytes = new byte[(int) (2.5 * S3CheckpointStore.PART_BYTES)];
    new Random(7).nextBytes(bytes);
    Files.write(big, bytes);
    store.put("big/big.bin", big);
    Path back = tmp.resolve("back.bin");
    try (InputStream in = store.get("big/big.bin")) {
      Files.copy(in, back);
    }
    assertThat(Checkpointer.sha256(back)).isEqualTo(Checkpointer.sha256(big));
  }

  @Test
  void checkpointsRoundTripWithManifestLastAndVerifiedHashes() throws Exception {
    Path tokenizer = tmp.resolve("tokenizer.json");
    EmbeddedDefault.writeTokenizer(tokenizer);
    Checkpointer checkpointer = new Checkpointer(store, tokenizer, "base", "sha", Map.of("k", "v"));
    try (Qwen2Model policy = TestModels.tiny(3)) {
      CheckpointId id = new CheckpointId("run-s3", 1, 5);
      String uri =
          checkpointer.write(
              id, policy, null, new TrainerState(1, 5, 1, 0, 0, 0, null, List.of(), null));
      assertThat(uri).isEqualTo("s3://ckpt/runs/team-a/run-s3/phase-0001/step-000005/");
      // a folder without its manifest is never used
      Path f = tmp.resolve("x");
      Files.writeString(f, "partial");
      store.put("run-s3/phase-0001/step-000009/config.json", f);
      assertThat(checkpointer.latestComplete("run-s3", 1)).contains(id);

      Checkpointer.Loaded loaded = checkpointer.load(id);
      assertThat(loaded.weights().keySet()).isEqualTo(policy.toTensors().keySet());
      assertThat(loaded.manifest().lineage()).containsEntry("k", "v");

      // a corrupted object fails the load, naming the file
      Files.writeString(f, "{}");
      store.put(id.prefix() + "config.json", f);
      assertThatThrownBy(() -> checkpointer.load(id))
          .hasMessageContaining("config.json")
          .hasMessageContaining("sha256");
    }
  }

  @Test
  void aCrashedPhaseResumesFromS3() throws Exception {
    var families = new io.prorl.tasks.TaskFamilies(List.of(new io.prorl.engine.DigitFamily()));
    var train = families.generate("digits", Map.of(), 1, 20);
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    try (S3CheckpointStore s3 = S3CheckpointStore.open("s3://ckpt/resume", server.settings())) {
      var sampling = new io.prorl.engine.sampling.SamplingParams(1.0, 1.0, 0, 8, List.of(), 0);
      var config =
          io.prorl.engine.job.TrainPhaseJob.Config.builder(s3, "r", base.toString())
              .trainer(
                  io.prorl.engine.rl.TrainerConfig.builder()
                      .promptsPerStep(2)
                      .groupSize(4)
                      .updatesPerStep(1)
                      .learningRate(1e-3)
                      .loss(io.prorl.engine.rl.LossConfig.prorl())
                      .sampling(sampling)
                      .maxSamplingRounds(1)
                      .build())
              .limits(new io.prorl.engine.rl.PhaseLimits(2, null, 0, 0, 0))
              .checkpointEvery(1)
              .seed(3)
              .datasetSha256("sha")
              .taskKey("task-1")
              .s3(server.settings())
              .build();
      var first =
          io.prorl.engine.job.TrainPhaseJob.run(
              config, train, List.of(), families, io.prorl.engine.rl.TrainingListener.NONE);
      assertThat(first.result().checkpoint())
          .isEqualTo("s3://ckpt/resume/r/phase-0001/step-000002/");
      // the crash: the phase end never got its manifest
      s3.delete("r/phase-0001/step-000002/" + Checkpointer.MANIFEST);
      var retried =
          io.prorl.engine.job.TrainPhaseJob.run(
              config, train, List.of(), families, io.prorl.engine.rl.TrainingListener.NONE);
      assertThat(retried.phase()).isEqualTo(1);
      assertThat(retried.result().resumedFromStep()).isEqualTo(1);
      // the resumed step 2 repeats the uninterrupted one exactly (timings aside)
      var resumed = retried.result().history().get(0);
      var original = first.result().history().get(1);
      assertThat(resumed.step()).isEqualTo(2);
      assertThat(resumed.rewardMean()).isEqualTo(original.rewardMean());
      assertThat(resumed.kl()).isEqualTo(original.kl());
      assertThat(resumed.loss()).isEqualTo(original.loss());
      assertThat(resumed.gradNorm()).isEqualTo(original.gradNorm());
    }
  }

  @Test
  void theSecretNeverAppearsInSettingsText() {
    assertThat(server.settings().toString())
        .doesNotContain(S3MockServer.SECRET_KEY)
        .contains("****");
  }
}
