package io.prorl.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.DigitFamily;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.rl.GrpoStep;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.ProblemStream;
import io.prorl.engine.rl.RolloutGenerator;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.WarmStart;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
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
 * Time of one ProRL step, split into sampling (+ verifier), reference log-probs, update (scoring
 * with gradient, backward, AdamW) and checkpoint, for the embedded tiny policy and a ~32M model. A
 * step: 8 prompts x 8 responses of at most 32 tokens, 2 mini-batch updates, beta 1e-3 (so the
 * reference pass runs); the reward is the share of digits, which a random policy earns a little of,
 * so every step trains. Medians of 3 steps after 1 warm-up step, with one lane and with two (see
 * {@link Lanes}).
 *
 * <p>Run: {@code ./prorl bench-rl}.
 */
public final class RlStepBench {
  private RlStepBench() {}

  public static void main(String[] args) throws Exception {
    DjlEngine.pytorch();
    Path dir = Files.createTempDirectory("prorl-bench-rl");
    Files.writeString(dir.resolve("tokenizer.json"), EmbeddedDefault.tokenizerJson());
    ModelConfig tiny = EmbeddedDefault.config();
    ModelConfig mid =
        new ModelConfig(
            8192, 512, 8, 8, 2, 1536, 10000.0, 1e-6, false, 4096, -1, tiny.eosTokenIds());
    // the issue's ~50M shape: d 640, 8 layers, 10 heads sharing 2 kv heads, SwiGLU 2048, untied
    ModelConfig large =
        new ModelConfig(
            8192, 640, 8, 10, 2, 2048, 10000.0, 1e-6, false, 4096, -1, tiny.eosTokenIds());
    List<ModelConfig> configs = new ArrayList<>();
    for (String name : args.length == 0 ? new String[] {"tiny", "32m", "50m"} : args) {
      configs.add(
          switch (name) {
            case "tiny" -> tiny;
            case "32m" -> mid;
            case "50m" -> large;
            default ->
                throw new IllegalArgumentException("model must be tiny, 32m or 50m: " + name);
          });
    }
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"))) {
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
          "step s",
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
    DigitFamily digits = new DigitFamily();
    List<Problem> train = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      train.add(digits.generate(Map.of(), 0, i));
    }
    SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, 32, List.of(ChatTemplate.IM_END), 0);
    TrainerConfig tc =
        new TrainerConfig(
            8,
            8,
            2,
            1e-4,
            0,
            1.0,
            new LossConfig(0.2, 0.28, 1e-3, 0, LossConfig.Aggregation.TOKEN),
            sampling,
            true,
            false,
            3,
            0.0);
    try (Qwen2Model policy = Qwen2Model.initialize(config, 1, Device.cpu());
        Qwen2Model reference = Qwen2Model.fromTensors(config, policy.toTensors(), Device.cpu());
        NDManager m = policy.manager().newSubManager();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0), m)) {
      policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
      RolloutGenerator rollouts =
          new RolloutGenerator(policy, tokenizer, new TaskFamilies(List.of(digits)), sampling, 8);
      GrpoStep step =
          new GrpoStep(policy, reference, rollouts::rollout, tc, adam, TrainingListener.NONE);
      ProblemStream prompts = new ProblemStream(train, 1);
      Checkpointer checkpointer =
          new Checkpointer(
              new FileCheckpointStore(dir.resolve("ckpt-" + lanes)),
              dir.resolve("tokenizer.json"),
              null,
              null,
              Map.of());
      double[][] t = new double[5][3];
      step.run(prompts, 1, 1);
      for (int i = 0; i < 3; i++) {
        StepMetrics s = step.run(prompts, i + 2, i + 2);
        long c0 = System.nanoTime();
        CheckpointId id = new CheckpointId("bench", 1, i + 2);
        checkpointer.write(
            id,
            policy,
            adam,
            new TrainerState(
                1, i + 2, 0, 0, 0, adam.step(), "bench/phase-0001/step-000000/", List.of(), null));
        t[0][i] = s.sampleSeconds();
        t[1][i] = s.referenceSeconds();
        t[2][i] = s.updateSeconds();
        t[3][i] = (System.nanoTime() - c0) / 1e9;
        t[4][i] = s.wallSeconds() + t[3][i];
      }
      long bytes;
      try (var files = Files.walk(dir.resolve("ckpt-" + lanes + "/bench/phase-0001/step-000004"))) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf(
          "%-6s %6d %7.1fM %10.2f %12.2f %10.2f %12.2f %10.2f %12.1f%n",
          config.hiddenSize() == 640 ? "~50M" : config.hiddenSize() == 512 ? "~32M" : "tiny",
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

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
