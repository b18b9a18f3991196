package io.prorl.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.optim.GradientClipping;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.parallel.DataParallel;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.scoring.ChunkedLossBackward;
import io.prorl.engine.scoring.PredictionBatch;
import io.prorl.engine.scoring.TokenLogprobs;
import io.prorl.engine.scoring.TrainingMemory;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Supervised fine-tuning on the reference solvers' worked solutions: the warm start that makes the
 * embedded tiny policy weak but not hopeless before RL. Each example is the chat-formatted prompt
 * followed by the worked solution and the model's end-of-sequence token; only the solution's tokens
 * are in the loss (next-token cross-entropy), batches are drawn with a seeded generator.
 *
 * <p>Where an answer ends is one or two tokens of a solution, so a token-mean loss gives it little
 * weight, and a tiny model that has not learned it keeps writing (a sixth vertex for a 5-vertex
 * graph) until {@code maxNewTokens} cuts it off. The answer's end - the tokens from the answer's
 * last character through {@code </answer>} (or the closing brace of {@code \boxed{}}) and the
 * end-of-sequence token - therefore weighs {@code endWeight} times an ordinary token:
 *
 * <pre>
 * L = - sum_t w_t log p(x_t | x_<t) / sum_t w_t,   w_t = 0 (prompt), endWeight (answer end), 1 (other)
 * </pre>
 *
 * <p>Learning rate: linear warm-up over the first 10% of steps, then cosine decay to {@code
 * finalLrFraction * learningRate} at the last step.
 */
public final class WarmStart {
  /**
   * @param steps optimizer steps
   * @param batchSize examples per step
   * @param learningRate AdamW peak learning rate (after a 10% warm-up)
   * @param finalLrFraction the learning rate at the last step, as a share of the peak (1 =
   *     constant)
   * @param endWeight loss weight of the tokens that end the answer, relative to other solution
   *     tokens
   * @param maxTokens examples longer than this (prompt + solution) are skipped
   * @param seed batch order
   * @param memory how each step's forward and backward bound their memory (the gradient is the
   *     same)
   */
  public record Config(
      int steps,
      int batchSize,
      double learningRate,
      double finalLrFraction,
      double endWeight,
      int maxTokens,
      long seed,
      TrainingMemory memory) {

    /** The quickstart's warm start; every default of the WarmStart task comes from here. */
    public static final Config DEFAULTS = new Config(200, 32, 2e-3, 0.1, 4.0, 256, 1);

    /** A warm start with {@link TrainingMemory#DEFAULTS}. */
    public Config(
        int steps,
        int batchSize,
        double learningRate,
        double finalLrFraction,
        double endWeight,
        int maxTokens,
        long seed) {
      this(
          steps,
          batchSize,
          learningRate,
          finalLrFraction,
          endWeight,
          maxTokens,
          seed,
          TrainingMemory.DEFAULTS);
    }

    public Config {
      if (memory == null) {
        throw new IllegalArgumentException("memory must be set, got null");
      }
      List<String> bad = violations(steps, batchSize, learningRate, finalLrFraction, endWeight);
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", bad));
      }
    }

    /** The rules of a warm start's settings, each message naming its field. */
    public static List<String> violations(
        Integer steps,
        Integer batchSize,
        Double learningRate,
        Double finalLrFraction,
        Double endWeight) {
      List<String> out = new ArrayList<>();
      if (steps != null && steps < 1) {
        out.add("steps must be >= 1, got " + steps);
      }
      if (batchSize != null && batchSize < 1) {
        out.add("batchSize must be >= 1, got " + batchSize);
      }
      if (learningRate != null && !(learningRate > 0)) {
        out.add("learningRate must be > 0, got " + learningRate);
      }
      if (finalLrFraction != null && !(finalLrFraction >= 0 && finalLrFraction <= 1)) {
        out.add("finalLrFraction must lie in [0, 1], got " + finalLrFraction);
      }
      if (endWeight != null && !(endWeight >= 1)) {
        out.add("endWeight must be >= 1, got " + endWeight);
      }
      return out;
    }

    public Config withSteps(int value) {
      return new Config(
          value, batchSize, learningRate, finalLrFraction, endWeight, maxTokens, seed, memory);
    }

    public Config withBatchSize(int value) {
      return new Config(
          steps, value, learningRate, finalLrFraction, endWeight, maxTokens, seed, memory);
    }

    public Config withLearningRate(double value) {
      return new Config(
          steps, batchSize, value, finalLrFraction, endWeight, maxTokens, seed, memory);
    }

    public Config withEndWeight(double value) {
      return new Config(
          steps, batchSize, learningRate, finalLrFraction, value, maxTokens, seed, memory);
    }

    public Config withFinalLrFraction(double value) {
      return new Config(steps, batchSize, learningRate, value, endWeight, maxTokens, seed, memory);
    }

    public Config withMemory(TrainingMemory value) {
      return new Config(
          steps, batchSize, learningRate, finalLrFraction, endWeight, maxTokens, seed, value);
    }

    public Config withSeed(long value) {
      return new Config(
          steps, batchSize, learningRate, finalLrFraction, endWeight, maxTokens, value, memory);
    }

    /**
     * lr(step) = peak * (step + 1) / warmup during the warm-up, then peak * (f + (1 - f) * (1 +
     * cos(pi * progress)) / 2) with progress going from 0 after the warm-up to 1 at the last step.
     */
    double learningRateAt(int step) {
      int warmup = Math.max(1, steps / 10);
      if (step < warmup) {
        return learningRate * (step + 1.0) / warmup;
      }
      double progress = steps - warmup <= 1 ? 1.0 : (step - warmup) / (steps - warmup - 1.0);
      return learningRate
          * (finalLrFraction + (1 - finalLrFraction) * (1 + Math.cos(Math.PI * progress)) / 2);
    }
  }

  /**
   * One SFT example.
   *
   * @param tokens prompt then solution then the end-of-sequence token
   * @param weights weights[j] is the loss weight of predicting tokens[j + 1]
   */
  record Example(int[] tokens, float[] weights) {}

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
      Example e = example(tokenizer, p, model.config().eosTokenIds().get(0), config.endWeight());
      if (e.tokens().length <= config.maxTokens()) {
        examples.add(e);
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
      for (int step = 0; step < config.steps(); step++) {
        List<Example> batch = new ArrayList<>(config.batchSize());
        for (int i = 0; i < config.batchSize(); i++) {
          batch.add(examples.get(rng.nextInt(examples.size())));
        }
        float loss = step(model, adam, batch, config.learningRateAt(step), config.memory());
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

  /**
   * The tokens of {@code problem}'s prompt (its chat, rendered by the model's template), worked
   * solution and the model's end-of-sequence token (appended as its id, not through the template's
   * assistant turn, which drops the text before {@code </think>} in DeepSeek-R1-Distill's
   * template), with the loss weight of each prediction: 0 inside the prompt, {@code endWeight} for
   * the tokens holding the answer's end (see the class comment), 1 for the rest of the solution.
   */
  static Example example(Tokenizer tokenizer, Problem problem, int eosTokenId, double endWeight) {
    if (problem.solution() == null) {
      throw new IllegalArgumentException(
          "problem " + problem.id() + " has no worked solution to learn from");
    }
    int[] prompt = tokenizer.encodePrompt(problem);
    int[] solution = tokenizer.encode(problem.solution());
    int[] answer = Arrays.copyOf(solution, solution.length + 1);
    answer[solution.length] = eosTokenId;
    int[] all = new int[prompt.length + answer.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(answer, 0, all, prompt.length, answer.length);
    int endStart = answerEnd(problem.solution());
    float[] weights = new float[all.length - 1];
    int charsThrough = 0;
    for (int i = 0; i < answer.length; i++) {
      // answer token i ends at this character of the response (the texts are ASCII); it ends the
      // answer if that lies past endStart. It is predicted at position prompt.length + i - 1.
      charsThrough += tokenizer.decode(answer, i, i + 1).length();
      weights[prompt.length + i - 1] = charsThrough > endStart ? (float) endWeight : 1f;
    }
    return new Example(all, weights);
  }

  /**
   * Where the answer's end begins in a worked solution: its last character before {@code
   * </answer>}, or before the last closing brace (of {@code \boxed{}}); the solution's length when
   * neither is there (then only the end-of-sequence token is the end).
   */
  static int answerEnd(String solution) {
    int close = solution.lastIndexOf("</answer>");
    if (close < 0) {
      close = solution.lastIndexOf('}');
    }
    return close < 0 ? solution.length() : Math.max(0, close - 1);
  }

  /**
   * One AdamW step on the weighted next-token loss of {@code batch} ({@link #backward}), after
   * global-norm clipping at 1.
   */
  private static float step(
      Qwen2Model model, AdamW adam, List<Example> batch, double lr, TrainingMemory memory) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float value = backward(model, batch, Lanes.configured(), memory);
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

  /**
   * Zeroes the model's gradients and fills them with the gradient of the weighted next-token loss
   * of {@code batch}, one micro-batch at a time, each split across {@code lanes}, the LM head by
   * chunks ({@link TrainingMemory}); returns the loss:
   *
   * <pre>
   *   L = - sum_i sum_t w_it * log p(x_i,t+1 | x_i,<=t) / sum_i sum_t w_it
   * </pre>
   *
   * The parameters must require gradients; the caller owns the NDScope around the call.
   */
  static float backward(Qwen2Model model, List<Example> batch, int lanes, TrainingMemory memory) {
    double totalWeight = 0;
    int[] lengths = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      for (float w : batch.get(i).weights()) {
        totalWeight += w;
      }
      lengths[i] = batch.get(i).tokens().length - 1;
    }
    // each prediction's weight in L, so that the shares' losses sum to the whole
    double scale = 1.0 / Math.max(1.0, totalWeight);
    Gradients.zero(model.parameters().values());
    float value = 0;
    for (int[] range : memory.microBatches(new int[batch.size()], lengths)) {
      List<Example> micro = batch.subList(range[0], range[1]);
      List<Float> parts =
          DataParallel.run(
              model,
              micro.size(),
              lanes,
              Lanes.MIN_PER_LANE,
              (m, from, to) -> laneLoss(model, m, micro.subList(from, to), scale, memory));
      for (float part : parts) {
        value += part;
      }
    }
    return value;
  }

  /** Forward and backward of {@code examples}' share of L; returns that share. */
  private static float laneLoss(
      Qwen2Model model, NDManager m, List<Example> examples, double scale, TrainingMemory memory) {
    List<float[]> weights = new ArrayList<>();
    for (Example e : examples) {
      float[] w = new float[e.weights().length];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) (-e.weights()[j] * scale);
      }
      weights.add(w);
    }
    PredictionBatch in =
        PredictionBatch.nextTokens(examples.stream().map(Example::tokens).toList(), weights);
    List<Float> chunks =
        ChunkedLossBackward.run(
            model,
            m,
            in,
            1.0,
            TokenLogprobs.Entropy.NONE,
            memory,
            (cm, scores, from, to) -> {
              NDArray loss = scores.logp().mul(in.slice(cm, in.mask(), from, to)).sum();
              return new ChunkedLossBackward.Chunk<>(loss, loss.getFloat());
            });
    float sum = 0;
    for (float c : chunks) {
      sum += c;
    }
    return sum;
  }
}
