package io.prorl.engine.bench;

import ai.djl.Device;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.WarmStart;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Time of one ProRL step ({@link RlRig}), split into sampling (+ verifier), reference log-probs,
 * update (scoring with gradient, backward, AdamW), then the checkpoint written after it (not part
 * of "RL step s"), for the embedded tiny policy, a ~32M and a ~50M model. Medians of 3 steps after
 * 1 warm-up step, with one lane and with two (see {@link Lanes}).
 *
 * <p>Run: {@code ./prorl bench-rl}; {@code ./prorl bench-rl anchor} runs the same step in PyTorch
 * eager first ({@code engine/src/test/python/anchor_torch.py rl}) with this bench's prompt length.
 */
public final class RlStepBench {
  private RlStepBench() {}

  public static void main(String[] args) throws Exception {
    DjlEngine.pytorch();
    Path dir = Files.createTempDirectory("prorl-bench-rl");
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    List<ModelConfig> configs = new ArrayList<>();
    for (String name : args.length == 0 ? new String[] {"tiny", "32m", "50m"} : args) {
      if (!name.startsWith("--")) {
        configs.add(RlRig.shape(name));
      }
    }
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"))) {
      if (args.length > 0 && args[0].equals("--prompt-length")) {
        // for the PyTorch anchor: the longest prompt of a step, the length every prompt pads to
        System.out.println(promptLength(tokenizer));
        return;
      }
      System.out.printf(
          "prompts of %d tokens (padded), responses of at most 32: 64 per step%n",
          promptLength(tokenizer));
      warmStart(tokenizer);
      System.out.printf(
          "%-6s %6s %8s %10s %12s %10s %12s %10s %12s%n",
          "model",
          "lanes",
          "params",
          "sample s",
          "reference s",
          "update s",
          "checkpoint s",
          "RL step s",
          "ckpt MB");
      for (ModelConfig config : configs) {
        // side by side: the same step with one lane (sampling, reference, update), then with two
        for (int lanes : new int[] {1, 2}) {
          System.setProperty(Lanes.PROPERTY, Integer.toString(lanes));
          bench(config, tokenizer, dir, lanes);
        }
      }
    }
  }

  /**
   * Seconds per warm-start step of the embedded tiny policy on the quickstart's three families'
   * worked solutions (batch 32), one lane then two: median of 5 steps after 2.
   */
  private static void warmStart(Tokenizer tokenizer) {
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> mix = new ArrayList<>();
    mix.addAll(
        families.generate(
            "graph_color", Map.of("vertices", 5, "edgeProbability", 0.4, "colors", 3), 1, 200));
    mix.addAll(
        families.generate(
            "arithmetic", Map.of("terms", 2, "maxOperand", 20, "division", false), 1, 200));
    mix.addAll(families.generate("stem_mcq", Map.of(), 1, 200));
    System.out.printf("%-22s %6s %14s%n", "warm start (tiny)", "lanes", "s per step");
    for (int lanes : new int[] {1, 2}) {
      System.setProperty(Lanes.PROPERTY, Integer.toString(lanes));
      double[] t = new double[7];
      long[] last = {System.nanoTime()};
      try (Qwen2Model model = Qwen2Model.initialize(EmbeddedDefault.config(), 1, Device.cpu())) {
        WarmStart.run(
            model,
            tokenizer,
            mix,
            WarmStart.Config.DEFAULTS.withSteps(t.length),
            step -> {
              long now = System.nanoTime();
              t[step - 1] = (now - last[0]) / 1e9;
              last[0] = now;
            });
      }
      System.out.printf(
          "%-22s %6d %14.2f%n", "batch 32", lanes, median(Arrays.copyOfRange(t, 2, t.length)));
    }
    System.out.println();
  }

  private static void bench(ModelConfig config, Tokenizer tokenizer, Path dir, int lanes)
      throws Exception {
    try (RlRig rig = new RlRig(config, tokenizer)) {
      Checkpointer checkpointer =
          new Checkpointer(
              new FileCheckpointStore(dir.resolve("ckpt-" + lanes)),
              dir.resolve("tokenizer.json"),
              null,
              null,
              Map.of());
      double[][] t = new double[5][3];
      rig.step(1);
      for (int i = 0; i < 3; i++) {
        StepMetrics s = rig.step(i + 2);
        long c0 = System.nanoTime();
        CheckpointId id = new CheckpointId("bench", 1, i + 2);
        checkpointer.write(
            id,
            rig.policy,
            rig.adam,
            new TrainerState(
                1,
                i + 2,
                0,
                0,
                0,
                rig.adam.step(),
                "bench/phase-0001/step-000000/",
                List.of(),
                null));
        t[0][i] = s.sampleSeconds();
        t[1][i] = s.referenceSeconds();
        t[2][i] = s.updateSeconds();
        t[3][i] = (System.nanoTime() - c0) / 1e9;
        t[4][i] = s.wallSeconds();
      }
      long bytes;
      try (var files = Files.walk(dir.resolve("ckpt-" + lanes + "/bench/phase-0001/step-000004"))) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf(
          "%-6s %6d %7.1fM %10.2f %12.2f %10.2f %12.2f %10.2f %12.1f%n",
          RlRig.label(config),
          lanes,
          config.parameterCount() / 1e6,
          median(t[0]),
          median(t[1]),
          median(t[2]),
          median(t[3]),
          median(t[4]),
          bytes / 1e6);
    }
  }

  /** The longest chat-formatted prompt among the bench's problems, in tokens. */
  private static int promptLength(Tokenizer tokenizer) {
    int longest = 0;
    for (Problem p : RlRig.problems()) {
      longest = Math.max(longest, tokenizer.encodePrompt(p).length);
    }
    return longest;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
