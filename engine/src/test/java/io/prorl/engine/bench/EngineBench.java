package io.prorl.engine.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.optim.LanguageModelLoss;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The engine at the two shapes of engine/src/test/python/anchor_torch.py (the PyTorch anchor),
 * printing the same figures: the fp32 matmul ceiling, training tokens/s (forward + backward + AdamW
 * on a causal LM loss over random tokens), and decode tokens/s with the KV cache (8-token prompts,
 * sampling at temperature 1 in Java) and, for comparison, without it.
 *
 * <p>Run: {@code ./prorl bench-engine} (see BENCHMARKS.md for the thread settings).
 */
public final class EngineBench {
  private EngineBench() {}

  record Shape(
      String name,
      ModelConfig config,
      int trainBatch,
      int trainLength,
      int trainSteps,
      int decodeBatch,
      int decodeTokens) {}

  public static void main(String[] args) {
    Engine engine = DjlEngine.pytorch();
    System.out.printf(
        "DJL %s, PyTorch %s, OMP_NUM_THREADS=%s, OMP_WAIT_POLICY=%s%n",
        Engine.getDjlVersion(),
        engine.getVersion(),
        System.getenv("OMP_NUM_THREADS"),
        System.getenv("OMP_WAIT_POLICY"));
    System.out.printf("matmul fp32 1024^3: %.1f GFLOP/s%n", matmulGflops());
    List<Shape> shapes =
        List.of(
            new Shape("tiny", config(512, 128, 4, 4, 2, 384), 32, 64, 10, 64, 64),
            new Shape("~32M", config(8192, 512, 8, 8, 2, 1536), 8, 128, 3, 16, 32));
    for (Shape s : shapes) {
      try (Qwen2Model model = Qwen2Model.initialize(s.config(), 0, Device.cpu())) {
        double train = trainTokensPerSecond(model, s);
        double decode = decodeTokensPerSecond(model, s, true);
        double decodeNoCache = decodeTokensPerSecond(model, s, false);
        System.out.printf(
            "%s: params %.2fM  train %,.0f tok/s (fwd+bwd+AdamW, B=%d T=%d)  decode %,.0f tok/s"
                + " (KV cache, B=%d)  decode without cache %,.0f tok/s  train GFLOP/s %.1f%n",
            s.name(),
            s.config().parameterCount() / 1e6,
            train,
            s.trainBatch(),
            s.trainLength(),
            decode,
            s.decodeBatch(),
            decodeNoCache,
            6 * s.config().parameterCount() * train / 1e9);
      }
    }
  }

  /** As the anchor: untied LM head. */
  private static ModelConfig config(int vocab, int d, int layers, int heads, int kv, int ff) {
    return new ModelConfig(
        vocab, d, layers, heads, kv, ff, 10000.0, 1e-6, false, 4096, -1, List.of());
  }

  private static double matmulGflops() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomNormal(new ai.djl.ndarray.types.Shape(1024, 1024));
      for (int i = 0; i < 3; i++) {
        a.matMul(a).close();
      }
      int reps = 20;
      long start = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        a.matMul(a).close();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return reps * 2.0 * Math.pow(1024, 3) / seconds / 1e9;
    }
  }

  private static double trainTokensPerSecond(Qwen2Model model, Shape s) {
    Map<String, NDArray> params = model.parameters();
    params.values().forEach(p -> p.setRequiresGradient(true));
    SplittableRandom rng = new SplittableRandom(0);
    int b = s.trainBatch();
    int t = s.trainLength();
    int[][] tokens = new int[b][t + 1];
    for (int[] row : tokens) {
      for (int i = 0; i < row.length; i++) {
        row[i] = rng.nextInt(s.config().vocabSize());
      }
    }
    boolean[][] valid = new boolean[b][t];
    for (boolean[] row : valid) {
      Arrays.fill(row, true);
    }
    try (NDManager m = model.manager().newSubManager();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.999, 1e-8, 0.01), m)) {
      NDArray ids = AttentionInputs.ids(m, tokens, 0, t);
      NDArray positions = AttentionInputs.positions(m, valid, 0, t);
      NDArray bias = AttentionInputs.bias(m, valid, 0, t);
      long[] next = new long[b * t];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          next[i * t + j] = tokens[i][j + 1];
        }
      }
      NDArray targets = m.create(next, new ai.djl.ndarray.types.Shape(b, t, 1));
      for (int i = 0; i < 2; i++) {
        trainStep(model, adam, ids, positions, bias, targets);
      }
      Arrays.fill(SPLIT, 0);
      long start = System.nanoTime();
      for (int i = 0; i < s.trainSteps(); i++) {
        trainStep(model, adam, ids, positions, bias, targets);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "  %s train step: forward+loss %.1f ms, backward %.1f ms, AdamW %.1f ms%n",
          s.name(),
          SPLIT[0] / 1e6 / s.trainSteps(),
          SPLIT[1] / 1e6 / s.trainSteps(),
          SPLIT[2] / 1e6 / s.trainSteps());
      return s.trainSteps() * (double) b * t / seconds;
    } finally {
      params.values().forEach(p -> p.setRequiresGradient(false));
    }
  }

  /** Nanoseconds spent in forward (with the loss), backward and the AdamW update. */
  private static final long[] SPLIT = new long[3];

  private static void trainStep(
      Qwen2Model model, AdamW adam, NDArray ids, NDArray positions, NDArray bias, NDArray targets) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      long t0 = System.nanoTime();
      long t1;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Gradients.zero(model.parameters().values());
        NDArray logits = model.forward(ids, positions, bias, null);
        NDArray loss = LanguageModelLoss.crossEntropy(logits, targets, null);
        loss.getFloat(); // forces the forward pass to finish before the clock is read
        t1 = System.nanoTime();
        gc.backward(loss);
      }
      Map<String, NDArray> grads = new HashMap<>();
      model.parameters().forEach((name, p) -> grads.put(name, p.getGradient()));
      long t2 = System.nanoTime();
      adam.update(model.parameters(), grads, 1e-4);
      long t3 = System.nanoTime();
      SPLIT[0] += t1 - t0;
      SPLIT[1] += t2 - t1;
      SPLIT[2] += t3 - t2;
    }
  }

  private static double decodeTokensPerSecond(Qwen2Model model, Shape s, boolean cache) {
    SplittableRandom rng = new SplittableRandom(1);
    List<int[]> prompts = new ArrayList<>();
    for (int i = 0; i < s.decodeBatch(); i++) {
      int[] p = new int[8];
      for (int j = 0; j < p.length; j++) {
        p[j] = rng.nextInt(s.config().vocabSize());
      }
      prompts.add(p);
    }
    Sampler sampler = new Sampler(model, null);
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, s.decodeTokens(), List.of(), 3);
    run(sampler, prompts, params, cache);
    long start = System.nanoTime();
    int tokens = run(sampler, prompts, params, cache);
    return tokens / ((System.nanoTime() - start) / 1e9);
  }

  private static int run(Sampler sampler, List<int[]> prompts, SamplingParams p, boolean cache) {
    var out = cache ? sampler.generate(prompts, p) : sampler.generateWithoutCache(prompts, p);
    return out.stream().mapToInt(g -> g.tokens().length).sum();
  }
}
