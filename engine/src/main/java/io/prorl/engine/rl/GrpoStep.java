package io.prorl.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.optim.GradientClipping;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.sampling.FinishReason;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.scoring.SequenceScorer;
import io.prorl.tasks.Reward;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ProRL step: dynamic sampling fills the batch with mixed groups, group advantages are
 * computed, the reference scores the responses (when klCoef > 0), and the batch is split into
 * {@code updatesPerStep} mini-batches, each one a clipped-surrogate + KL update with global-norm
 * clipping and AdamW. The sampler's log-probs are the "old" log-probs: for the first mini-batch the
 * ratio is 1, for the later ones the clipping is active.
 */
public final class GrpoStep {
  private final Qwen2Model policy;
  private final Qwen2Model reference;
  private final TrainerConfig config;
  private final DynamicSampler sampler;
  private final AdamW optimizer;
  private final TrainingListener listener;

  /**
   * @param reference the frozen reference policy, or null when klCoef is 0
   * @param rollouts produces groups (a {@link RolloutGenerator} over {@code policy})
   */
  public GrpoStep(
      Qwen2Model policy,
      Qwen2Model reference,
      DynamicSampler.RolloutSource rollouts,
      TrainerConfig config,
      AdamW optimizer,
      TrainingListener listener) {
    if (config.loss().klCoef() > 0 && reference == null) {
      throw new IllegalArgumentException("klCoef > 0 needs a reference policy");
    }
    this.policy = policy;
    this.reference = reference;
    this.config = config;
    this.sampler = new DynamicSampler(rollouts, config.maxSamplingRounds(), config.groupFilter());
    this.optimizer = optimizer;
    this.listener = listener;
  }

  /** Runs step {@code step} (from 1) of the phase on the next prompts of {@code prompts}. */
  public StepMetrics run(ProblemStream prompts, int step, long seed) {
    long start = System.nanoTime();
    DynamicSampler.Batch batch = sampler.fill(prompts, config.promptsPerStep(), seed);
    long sampled = System.nanoTime();
    if (batch.budgetExhausted()) {
      listener.onWarning(
          String.format(
              "step %d: dynamic sampling kept %d of %d wanted mixed groups after %d rounds;"
                  + " training on those",
              step, batch.kept().size(), config.promptsPerStep(), batch.rounds()));
    }
    List<List<PolicySample>> groups = withReference(samples(batch.kept()));
    long referenced = System.nanoTime();
    double lr = config.learningRateAt(step - 1);
    Update totals = new Update();
    for (List<PolicySample> miniBatch : miniBatches(groups, config.updatesPerStep())) {
      update(miniBatch, lr, totals, step);
    }
    long done = System.nanoTime();
    return metrics(step, batch, totals, lr, new long[] {start, sampled, referenced, done});
  }

  /**
   * Splits the kept groups into mini-batches of whole groups, as verl's {@code ppo_mini_batch_size
   * *= n} does, so a group's right and wrong responses meet in one update:
   *
   * <pre>
   *   groups per update = ceil(groups / updatesPerStep)
   * </pre>
   *
   * fewer updates when there are fewer groups than {@code updatesPerStep}, never an empty one.
   */
  static <T> List<List<T>> miniBatches(List<List<T>> groups, int updatesPerStep) {
    if (updatesPerStep < 1) {
      throw new IllegalArgumentException("updatesPerStep must be >= 1, got " + updatesPerStep);
    }
    List<List<T>> out = new ArrayList<>();
    int perUpdate = Math.max(1, (groups.size() + updatesPerStep - 1) / updatesPerStep);
    for (int from = 0; from < groups.size(); from += perUpdate) {
      List<T> miniBatch = new ArrayList<>();
      for (List<T> g : groups.subList(from, Math.min(groups.size(), from + perUpdate))) {
        miniBatch.addAll(g);
      }
      out.add(miniBatch);
    }
    return out;
  }

  /** The responses to train on, one list per group, in the groups' order. */
  private List<List<PolicySample>> samples(List<RolloutGroup> groups) {
    List<List<PolicySample>> out = new ArrayList<>();
    for (RolloutGroup g : groups) {
      double[] advantages = GroupAdvantages.of(g.rewardValues(), config.scaleAdvantagesByStd());
      List<PolicySample> group = new ArrayList<>();
      for (int i = 0; i < g.responses().size(); i++) {
        Generation r = g.responses().get(i);
        boolean truncated = r.finishReason() == FinishReason.LENGTH;
        boolean counted = r.tokens().length > 0 && !(truncated && config.maskTruncated());
        group.add(
            new PolicySample(g.prompt(), r.tokens(), r.logprobs(), null, advantages[i], counted));
      }
      out.add(group);
    }
    return out;
  }

  /** The groups with the reference's log-probs of every response (when klCoef > 0). */
  private List<List<PolicySample>> withReference(List<List<PolicySample>> groups) {
    List<PolicySample> all = groups.stream().flatMap(List::stream).toList();
    if (config.loss().klCoef() == 0 || all.isEmpty()) {
      return groups;
    }
    float[][] ref = logprobs(reference, all);
    List<List<PolicySample>> out = new ArrayList<>();
    int k = 0;
    for (List<PolicySample> g : groups) {
      List<PolicySample> group = new ArrayList<>();
      for (PolicySample s : g) {
        group.add(s.withRefLogp(ref[k++]));
      }
      out.add(group);
    }
    return out;
  }

  /** {@code model}'s log-probs of the samples' responses, without gradient. */
  private float[][] logprobs(Qwen2Model model, List<PolicySample> samples) {
    return new SequenceScorer(model, Lanes.configured(), config.memory().logitChunk())
        .logprobs(
            samples.stream().map(PolicySample::prompt).toList(),
            samples.stream().map(PolicySample::response).toList(),
            temperature());
  }

  /** Logits are divided by the sampling temperature (1 for greedy sampling). */
  private double temperature() {
    return config.sampling().temperature() == 0 ? 1.0 : config.sampling().temperature();
  }

  /** Running sums over the mini-batches of a step. */
  private static final class Update {
    double lossSum;
    double entropySum;
    double klSum;
    double clipLowSum;
    double clipHighSum;
    double ratioSum;
    double gainSum;
    double gradNorm;
    int updates;
    int skipped;
    long tokens;
  }

  /**
   * One mini-batch update: the gradient of its loss ({@link PolicyGradient}), global-norm clipping,
   * AdamW; then, with {@code surrogateGuard}, the surrogate's first-order gain.
   */
  private void update(List<PolicySample> batch, double lr, Update totals, int step) {
    if (batch.stream().noneMatch(PolicySample::counted)) {
      return;
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      PolicyGradient.Stats sum =
          new PolicyGradient(
                  policy, config.loss(), temperature(), Lanes.configured(), config.memory())
              .backward(batch);
      if (!Float.isFinite(sum.loss())) {
        Gradients.zero(policy.parameters().values());
        skip(totals, "loss is " + sum.loss());
        return;
      }
      totals.lossSum += sum.loss();
      Map<String, NDArray> grads = new HashMap<>();
      policy.parameters().forEach((name, p) -> grads.put(name, p.getGradient()));
      double norm = GradientClipping.clipGlobalNorm(grads.values(), config.maxGradNorm());
      if (!Double.isFinite(norm)) {
        Gradients.zero(policy.parameters().values());
        skip(totals, "gradient norm is " + norm);
        return;
      }
      totals.gradNorm = norm;
      optimizer.update(policy.parameters(), grads, lr);
      double tokens = Math.max(1.0, sum.tokens());
      double low = sum.clipLowSum() / tokens;
      double high = sum.clipHighSum() / tokens;
      totals.entropySum += sum.entropySum() / tokens;
      totals.klSum += sum.klSum() / tokens;
      totals.clipLowSum += low;
      totals.clipHighSum += high;
      totals.ratioSum += sum.ratioSum() / tokens;
      totals.updates++;
      for (PolicySample s : batch) {
        totals.tokens += s.response().length;
      }
      if (config.surrogateGuard()) {
        guard(batch, sum.logpBefore(), low, high, totals, step);
      }
    }
  }

  /** Rescores the mini-batch after its update and checks the surrogate moved up. */
  private void guard(
      List<PolicySample> batch,
      List<float[]> before,
      double clipLow,
      double clipHigh,
      Update totals,
      int step) {
    float[][] after = logprobs(policy, batch);
    double gain = SurrogateGain.of(batch, before, Arrays.asList(after));
    totals.gainSum += gain;
    if (SurrogateGain.suspicious(gain, clipLow, clipHigh)) {
      listener.onWarning(
          String.format(
              "step %d: a mini-batch update lowered its own surrogate (first-order gain %.3g)"
                  + " while clipping held %.2f%% / %.2f%% of tokens: the gradient may be wrong",
              step, gain, 100 * clipLow, 100 * clipHigh));
    }
  }

  /**
   * A non-finite loss or gradient: the mini-batch's update is skipped (as mixed-precision trainers
   * skip overflowing steps), counted in the metrics and reported; the policy is untouched.
   */
  private void skip(Update totals, String why) {
    totals.skipped++;
    listener.onWarning("a mini-batch update was skipped: " + why);
  }

  /**
   * @param clock nanoTime at start, after sampling, after the reference pass, at the end
   */
  private StepMetrics metrics(
      int step, DynamicSampler.Batch batch, Update u, double lr, long[] clock) {
    long start = clock[0];
    long sampled = clock[1];
    long referenced = clock[2];
    long done = clock[3];
    List<Double> rewards = new ArrayList<>();
    int correct = 0;
    long lengthSum = 0;
    int lengthMax = 0;
    int truncated = 0;
    int responses = 0;
    for (RolloutGroup g : batch.allGroups()) {
      for (int i = 0; i < g.responses().size(); i++) {
        Reward r = g.rewards().get(i);
        rewards.add(r.value());
        correct += r.correct() ? 1 : 0;
        int len = g.responses().get(i).tokens().length;
        lengthSum += len;
        lengthMax = Math.max(lengthMax, len);
        truncated += g.responses().get(i).finishReason() == FinishReason.LENGTH ? 1 : 0;
        responses++;
      }
    }
    double mean = rewards.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double var = rewards.stream().mapToDouble(x -> (x - mean) * (x - mean)).average().orElse(0);
    int n = Math.max(1, u.updates);
    double rolloutSeconds = (sampled - start) / 1e9;
    double updateSeconds = (done - referenced) / 1e9;
    return new StepMetrics(
        step,
        mean,
        Math.sqrt(var),
        responses == 0 ? 0 : (double) correct / responses,
        batch.keptFraction(),
        batch.rounds(),
        responses == 0 ? 0 : (double) lengthSum / responses,
        lengthMax,
        responses == 0 ? 0 : (double) truncated / responses,
        u.entropySum / n,
        u.klSum / n,
        u.clipLowSum / n,
        u.clipHighSum / n,
        u.updates == 0 ? 1.0 : u.ratioSum / n,
        u.gradNorm,
        lr,
        u.lossSum / n,
        rolloutSeconds > 0 ? lengthSum / rolloutSeconds : 0,
        updateSeconds > 0 ? u.tokens / updateSeconds : 0,
        u.updates,
        u.skipped,
        u.updates == 0 ? 0 : u.gainSum / n,
        rolloutSeconds,
        (referenced - sampled) / 1e9,
        updateSeconds,
        (done - start) / 1e9);
  }
}
