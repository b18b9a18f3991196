package io.prorl.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.optim.GradientClipping;
import io.prorl.engine.optim.Gradients;
import io.prorl.engine.parallel.DataParallel;
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
    List<Sample> samples = samples(batch.kept());
    float[][] refLogp = referenceLogprobs(samples);
    long referenced = System.nanoTime();
    double lr = config.learningRateAt(step - 1);
    Update totals = new Update();
    int perUpdate =
        Math.max(1, (samples.size() + config.updatesPerStep() - 1) / config.updatesPerStep());
    for (int from = 0; from < samples.size(); from += perUpdate) {
      int to = Math.min(samples.size(), from + perUpdate);
      update(
          samples.subList(from, to), refLogp == null ? null : slice(refLogp, from, to), lr, totals);
    }
    long done = System.nanoTime();
    return metrics(step, batch, totals, lr, new long[] {start, sampled, referenced, done});
  }

  /** One response to train on. */
  private record Sample(int[] prompt, Generation response, double advantage, boolean counted) {}

  private List<Sample> samples(List<RolloutGroup> groups) {
    List<Sample> out = new ArrayList<>();
    for (RolloutGroup g : groups) {
      double[] advantages = GroupAdvantages.of(g.rewardValues(), config.scaleAdvantagesByStd());
      for (int i = 0; i < g.responses().size(); i++) {
        Generation r = g.responses().get(i);
        boolean truncated = r.finishReason() == FinishReason.LENGTH;
        boolean counted = r.tokens().length > 0 && !(truncated && config.maskTruncated());
        out.add(new Sample(g.prompt(), r, advantages[i], counted));
      }
    }
    return out;
  }

  private float[][] referenceLogprobs(List<Sample> samples) {
    if (config.loss().klCoef() == 0 || samples.isEmpty()) {
      return null;
    }
    return new SequenceScorer(reference)
        .logprobs(
            prompts(samples),
            responses(samples),
            config.sampling().temperature() == 0 ? 1.0 : config.sampling().temperature());
  }

  /** Running sums over the mini-batches of a step. */
  private static final class Update {
    double lossSum;
    double entropySum;
    double klSum;
    double clipLowSum;
    double clipHighSum;
    double ratioSum;
    double gradNorm;
    int updates;
    int skipped;
    long tokens;
  }

  /** One lane's share of a mini-batch update: its loss and token-weighted sums of the metrics. */
  private record LaneStats(
      float loss,
      double tokens,
      double entropySum,
      double klSum,
      double clipLowSum,
      double clipHighSum,
      double ratioSum) {}

  /**
   * One mini-batch update; the policy's scoring with gradient and its backward are split across
   * {@link Lanes}, each lane's loss normalised by the whole mini-batch ({@link
   * GrpoLoss.Normaliser}).
   */
  private void update(List<Sample> batch, float[][] refLogp, double lr, Update totals) {
    if (batch.stream().noneMatch(Sample::counted)) {
      return;
    }
    double temperature =
        config.sampling().temperature() == 0 ? 1.0 : config.sampling().temperature();
    double countedTokens = 0;
    for (Sample s : batch) {
      countedTokens += s.counted() ? s.response().tokens().length : 0;
    }
    GrpoLoss.Normaliser whole = new GrpoLoss.Normaliser(countedTokens, batch.size());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Gradients.zero(policy.parameters().values());
      List<LaneStats> lanes =
          DataParallel.backward(
              policy,
              batch.size(),
              Lanes.configured(),
              Lanes.MIN_PER_LANE,
              (m, from, to) ->
                  laneLoss(
                      m,
                      batch.subList(from, to),
                      refLogp == null ? null : Arrays.copyOfRange(refLogp, from, to),
                      temperature,
                      whole));
      LaneStats sum = sum(lanes);
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
      totals.entropySum += sum.entropySum() / tokens;
      totals.klSum += sum.klSum() / tokens;
      totals.clipLowSum += sum.clipLowSum() / tokens;
      totals.clipHighSum += sum.clipHighSum() / tokens;
      totals.ratioSum += sum.ratioSum() / tokens;
      totals.updates++;
      for (Sample s : batch) {
        totals.tokens += s.response().tokens().length;
      }
    }
  }

  /** The loss of {@code share} (normalised by the whole mini-batch) and its metric sums. */
  private DataParallel.Part<LaneStats> laneLoss(
      NDManager m,
      List<Sample> share,
      float[][] refLogp,
      double temperature,
      GrpoLoss.Normaliser whole) {
    int b = share.size();
    int r = Math.max(1, share.stream().mapToInt(s -> s.response().tokens().length).max().orElse(1));
    float[] old = new float[b * r];
    float[] ref = refLogp == null ? null : new float[b * r];
    float[] counted = new float[b * r];
    float[] advantages = new float[b];
    for (int i = 0; i < b; i++) {
      Sample s = share.get(i);
      advantages[i] = (float) s.advantage();
      float[] lp = s.response().logprobs();
      for (int t = 0; t < lp.length; t++) {
        old[i * r + t] = lp[t];
        counted[i * r + t] = s.counted() ? 1f : 0f;
        if (ref != null) {
          ref[i * r + t] = refLogp[i][t];
        }
      }
    }
    SequenceScorer.Scored scored =
        new SequenceScorer(policy).score(m, prompts(share), responses(share), temperature);
    NDArray mask = scored.mask().mul(JavaArrays.tensor(m, counted, new Shape(b, r)));
    GrpoLoss.Result result =
        new GrpoLoss(config.loss())
            .compute(
                scored.logprobs(),
                JavaArrays.tensor(m, old, new Shape(b, r)),
                ref == null ? null : JavaArrays.tensor(m, ref, new Shape(b, r)),
                JavaArrays.tensor(m, advantages),
                mask,
                scored.entropy(),
                whole);
    double tokens = mask.sum().getFloat();
    double entropySum = scored.entropy().stopGradient().mul(mask).sum().getFloat();
    return new DataParallel.Part<>(
        result.loss(),
        new LaneStats(
            result.loss().getFloat(),
            tokens,
            entropySum,
            result.kl() * tokens,
            result.clipFractionLow() * tokens,
            result.clipFractionHigh() * tokens,
            result.ratioMean() * tokens));
  }

  private static LaneStats sum(List<LaneStats> lanes) {
    float loss = 0;
    double tokens = 0;
    double entropy = 0;
    double kl = 0;
    double low = 0;
    double high = 0;
    double ratio = 0;
    for (LaneStats l : lanes) {
      loss += l.loss();
      tokens += l.tokens();
      entropy += l.entropySum();
      kl += l.klSum();
      low += l.clipLowSum();
      high += l.clipHighSum();
      ratio += l.ratioSum();
    }
    return new LaneStats(loss, tokens, entropy, kl, low, high, ratio);
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
        u.skipped,
        rolloutSeconds,
        (referenced - sampled) / 1e9,
        updateSeconds,
        (done - start) / 1e9);
  }

  private static List<int[]> prompts(List<Sample> samples) {
    return samples.stream().map(Sample::prompt).toList();
  }

  private static List<int[]> responses(List<Sample> samples) {
    return samples.stream()
        .map(s -> s.response().tokens().length == 0 ? new int[0] : s.response().tokens())
        .toList();
  }

  private static float[][] slice(float[][] rows, int from, int to) {
    float[][] out = new float[to - from][];
    System.arraycopy(rows, from, out, 0, to - from);
    return out;
  }
}
