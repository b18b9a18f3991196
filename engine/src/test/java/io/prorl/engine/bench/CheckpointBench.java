package io.prorl.engine.bench;

import ai.djl.Device;
import io.prorl.engine.S3MockServer;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoint save and load throughput of the real code path ({@link Checkpointer} with sha256,
 * manifest last; load verifies every file) to local disk and to S3 (S3Mock on 127.0.0.1, started
 * here), same run, same ~32M-parameter policy with AdamW moments (about 390 MB per checkpoint).
 *
 * <p>Run: {@code ./prorl bench-checkpoint [REPEATS]}.
 */
public final class CheckpointBench {
  private CheckpointBench() {}

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("prorl-bench-ckpt");
    Path tokenizer = dir.resolve("tokenizer.json");
    EmbeddedDefault.writeTokenizer(tokenizer);
    ModelConfig mid =
        new ModelConfig(8192, 512, 8, 8, 2, 1536, 10000.0, 1e-6, false, 4096, -1, List.of(1023));
    try (S3MockServer server = S3MockServer.start("bench");
        S3CheckpointStore s3 = S3CheckpointStore.open("s3://bench/ckpt", server.settings());
        Qwen2Model policy = Qwen2Model.initialize(mid, 1, Device.cpu());
        AdamW adam =
            new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0), policy.manager().newSubManager())) {
      // give the optimizer its moments: one update with gradients equal to the weights
      adam.update(policy.parameters(), policy.parameters(), 0.0);
      Map<String, CheckpointStore> stores =
          Map.of("local disk", new FileCheckpointStore(dir.resolve("local")), "S3 (S3Mock)", s3);
      System.out.printf(
          "%-12s %10s %10s %10s %10s%n", "store", "MB", "save MB/s", "load MB/s", "repeats");
      for (String name : List.of("local disk", "S3 (S3Mock)")) {
        Checkpointer c = new Checkpointer(stores.get(name), tokenizer, null, null, Map.of());
        double saveSeconds = 0;
        double loadSeconds = 0;
        long bytes = 0;
        for (int r = 0; r < repeats; r++) {
          CheckpointId id = new CheckpointId("bench", 1, r + 1);
          long t0 = System.nanoTime();
          c.write(id, policy, adam, new TrainerState(1, r + 1, 1, 0, 0, 1, null, List.of(), null));
          long t1 = System.nanoTime();
          c.load(id);
          long t2 = System.nanoTime();
          saveSeconds += (t1 - t0) / 1e9;
          loadSeconds += (t2 - t1) / 1e9;
          bytes = c.load(id).manifest().files().values().stream().mapToLong(f -> f.bytes()).sum();
        }
        double mb = bytes / 1e6;
        System.out.printf(
            "%-12s %10.0f %10.0f %10.0f %10d%n",
            name, mb, mb * repeats / saveSeconds, mb * repeats / loadSeconds, repeats);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
