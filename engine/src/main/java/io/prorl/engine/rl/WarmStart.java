package io.prorl.engine.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.optim.GradientClipping;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.optim.LanguageModelLoss;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Supervised fine-tuning on the reference solvers' worked solutions: the warm start that makes the
 * embedded tiny policy weak but not hopeless before RL. Each example is the chat-formatted prompt
 * followed by the worked solution and {@code <|im_end|>}; only the solution's tokens are in the
 * loss (next-token cross-entropy), batches are drawn with a seeded generator.
 */
public final class WarmStart {

  /**
   * @param steps optimizer steps
   * @param batchSize examples per step
   * @param learningRate AdamW learning rate (constant after a 10% warm-up)
   * @param maxTokens examples longer than this (prompt + solution) are skipped
   * @param seed batch order
   */
  public record Config(int steps, int batchSize, double learningRate, int maxTokens, long seed) {}

  private record Example(int[] tokens, int promptLength) {}

  private WarmStart() {}

  /**
   * Trains {@code model} in place on the problems' {@code solution} fields.
   *
   * @param progress called after each step with the step number
   * @return the mean loss of the last 10% of steps
   */
  public static double run(
      Qwen2Model model,
      Tokenizer tokenizer,
      List<Problem> problems,
      Config config,
      IntConsumer progress) {
    DjlEngine.gradientsOffOnThisThread();
    List<Example> examples = new ArrayList<>();
    for (Problem p : problems) {
      if (p.solution() == null) {
        throw new IllegalArgumentException(
            "problem " + p.id() + " has no worked solution to learn from");
      }
      int[] prompt = tokenizer.encode(ChatTemplate.userTurn(p.prompt()));
      int[] answer = tokenizer.encode(p.solution() + ChatTemplate.IM_END);
      if (prompt.length + answer.length <= config.maxTokens()) {
        int[] all = new int[prompt.length + answer.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(answer, 0, all, prompt.length, answer.length);
        examples.add(new Example(all, prompt.length));
      }
    }
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("no example fits in maxTokens " + config.maxTokens());
    }
    SplittableRandom rng = new SplittableRandom(config.seed());
    double tail = 0;
    int tailCount = 0;
    model.parameters().values().forEach(p -> p.setRequiresGradient(true));
    try (NDManager m = model.manager().newSubManager();
        AdamW adam = new AdamW(new AdamW.Config(0.9, 0.98, 1e-8, 0.0), m)) {
      int warmup = Math.max(1, config.steps() / 10);
      for (int step = 0; step < config.steps(); step++) {
        List<Example> batch = new ArrayList<>(config.batchSize());
        for (int i = 0; i < config.batchSize(); i++) {
          batch.add(examples.get(rng.nextInt(examples.size())));
        }
        double lr = config.learningRate() * Math.min(1.0, (step + 1.0) / warmup);
        float loss = step(model, m, adam, batch, lr);
        if (step >= config.steps() * 9 / 10) {
          tail += loss;
          tailCount++;
        }
        progress.accept(step + 1);
      }
    } finally {
      model.parameters().values().forEach(p -> p.setRequiresGradient(false));
    }
    return tail / Math.max(1, tailCount);
  }

  private static float step(
      Qwen2Model model, NDManager m, AdamW adam, List<Example> batch, double lr) {
    int b = batch.size();
    int t = batch.stream().mapToInt(e -> e.tokens().length).max().orElseThrow() - 1;
    int[][] inputs = new int[b][t];
    boolean[][] valid = new boolean[b][t];
    long[] targets = new long[b * t];
    float[] mask = new float[b * t];
    for (int i = 0; i < b; i++) {
      Example e = batch.get(i);
      for (int j = 0; j + 1 < e.tokens().length; j++) {
        inputs[i][j] = e.tokens()[j];
        valid[i][j] = true;
        targets[i * t + j] = e.tokens()[j + 1];
        // position j predicts token j + 1: count it when that token belongs to the solution
        mask[i * t + j] = j + 1 >= e.promptLength() ? 1f : 0f;
      }
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Gradients.zero(model.parameters().values());
        NDArray logits =
            model.forward(
                AttentionInputs.ids(m, inputs, 0, t),
                AttentionInputs.positions(m, valid, 0, t),
                AttentionInputs.bias(m, valid, 0, t),
                null);
        NDArray loss =
            LanguageModelLoss.crossEntropy(
                logits,
                JavaArrays.tensor(m, targets, new Shape(b, t, 1)),
                JavaArrays.tensor(m, mask, new Shape(b, t)));
        value = loss.getFloat();
        gc.backward(loss);
      }
      Map<String, NDArray> grads = new HashMap<>();
      model.parameters().forEach((name, p) -> grads.put(name, p.getGradient()));
      double norm = GradientClipping.clipGlobalNorm(grads.values(), 1.0);
      if (!Float.isFinite(value) || !Double.isFinite(norm)) {
        throw new NonFiniteLossException(
            "warm start: loss "
                + value
                + ", gradient norm "
                + norm
                + "; the update was not applied");
      }
      adam.update(model.parameters(), grads, lr);
      return value;
    }
  }
}
