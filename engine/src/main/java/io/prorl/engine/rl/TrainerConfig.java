package io.prorl.engine.rl;

import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.scoring.TrainingMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyperparameters of RL steps, with ProRL's names. Build one with {@link #builder()}, which starts
 * from {@link #DEFAULTS}, so a call site names what it sets.
 *
 * @param promptsPerStep mixed groups wanted per step (the paper's batch: 256 prompts)
 * @param groupSize responses per prompt, G (paper: 16)
 * @param updatesPerStep mini-batch updates per rollout batch (paper: 4)
 * @param learningRate peak learning rate (paper: 2e-6 for 1.5B)
 * @param warmupSteps linear warm-up over this many steps, then constant (0 = constant)
 * @param maxGradNorm global gradient-norm clip (0 = off)
 * @param loss the clipped-surrogate / KL objective
 * @param sampling rollout sampling (paper: temperature 1.2)
 * @param scaleAdvantagesByStd divide advantages by the group's std (GRPO) or not
 * @param maskTruncated drop responses cut at maxNewTokens from the loss
 * @param maxSamplingRounds dynamic-sampling budget per step
 * @param weightDecay AdamW's decoupled weight decay
 * @param groupFilter which groups dynamic sampling keeps (ProRL: ACCURACY)
 * @param surrogateGuard after each mini-batch update, rescore it without gradient and log the
 *     surrogate's first-order gain ({@link SurrogateGain}); one extra no-gradient forward per
 *     update, 17-19% of a tiny step (BENCHMARKS.md), so off unless asked for
 * @param memory how the update's forward and backward bound their memory (chunked LM head,
 *     micro-batches, recompute); the gradient is the same either way
 */
public record TrainerConfig(
    int promptsPerStep,
    int groupSize,
    int updatesPerStep,
    double learningRate,
    int warmupSteps,
    double maxGradNorm,
    LossConfig loss,
    SamplingParams sampling,
    boolean scaleAdvantagesByStd,
    boolean maskTruncated,
    int maxSamplingRounds,
    double weightDecay,
    GroupFilter groupFilter,
    boolean surrogateGuard,
    TrainingMemory memory) {

  /** This project's defaults for the embedded tiny policy on 2 CPU cores. */
  public static final TrainerConfig DEFAULTS =
      new TrainerConfig(
          8,
          8,
          2,
          1e-4,
          0,
          1.0,
          LossConfig.DEFAULTS,
          new SamplingParams(1.0, 1.0, 0, 64, List.of(), 0),
          true,
          false,
          3,
          0.0,
          GroupFilter.REWARD_VARIANCE,
          false,
          TrainingMemory.DEFAULTS);

  public TrainerConfig {
    if (memory == null) {
      throw new IllegalArgumentException("memory must be set, got null");
    }
    if (groupFilter == null) {
      throw new IllegalArgumentException(
          "groupFilter must be REWARD_VARIANCE or ACCURACY, got null");
    }
    Rules.check(
        violations(
            promptsPerStep,
            groupSize,
            updatesPerStep,
            learningRate,
            warmupSteps,
            maxGradNorm,
            maxSamplingRounds,
            weightDecay));
  }

  /** The rules, for the constructor and for static checks (a null value is not known yet). */
  public static List<String> violations(
      Integer promptsPerStep,
      Integer groupSize,
      Integer updatesPerStep,
      Double learningRate,
      Integer warmupSteps,
      Double maxGradNorm,
      Integer maxSamplingRounds,
      Double weightDecay) {
    List<String> out = new ArrayList<>();
    Rules.atLeast(out, "promptsPerStep", promptsPerStep, 1);
    Rules.atLeast(out, "groupSize", groupSize, 2);
    Rules.atLeast(out, "updatesPerStep", updatesPerStep, 1);
    if (learningRate != null && !(learningRate > 0)) {
      out.add("learningRate must be > 0, got " + Rules.fmt(learningRate));
    }
    Rules.atLeast(out, "warmupSteps", warmupSteps, 0);
    Rules.atLeast(out, "maxGradNorm", maxGradNorm, 0);
    Rules.atLeast(out, "maxSamplingRounds", maxSamplingRounds, 1);
    Rules.atLeast(out, "weightDecay", weightDecay, 0);
    return out;
  }

  /** lr_t = learningRate * min(1, (t + 1) / warmupSteps), t counted from 0 within the phase. */
  public double learningRateAt(int step) {
    return warmupSteps == 0
        ? learningRate
        : learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
  }

  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Named construction, starting from a config. */
  public static final class Builder {
    private int promptsPerStep;
    private int groupSize;
    private int updatesPerStep;
    private double learningRate;
    private int warmupSteps;
    private double maxGradNorm;
    private LossConfig loss;
    private SamplingParams sampling;
    private boolean scaleAdvantagesByStd;
    private boolean maskTruncated;
    private int maxSamplingRounds;
    private double weightDecay;
    private GroupFilter groupFilter;
    private boolean surrogateGuard;
    private TrainingMemory memory;

    private Builder(TrainerConfig c) {
      promptsPerStep = c.promptsPerStep;
      groupSize = c.groupSize;
      updatesPerStep = c.updatesPerStep;
      learningRate = c.learningRate;
      warmupSteps = c.warmupSteps;
      maxGradNorm = c.maxGradNorm;
      loss = c.loss;
      sampling = c.sampling;
      scaleAdvantagesByStd = c.scaleAdvantagesByStd;
      maskTruncated = c.maskTruncated;
      maxSamplingRounds = c.maxSamplingRounds;
      weightDecay = c.weightDecay;
      groupFilter = c.groupFilter;
      surrogateGuard = c.surrogateGuard;
      memory = c.memory;
    }

    public Builder promptsPerStep(int v) {
      promptsPerStep = v;
      return this;
    }

    public Builder groupSize(int v) {
      groupSize = v;
      return this;
    }

    public Builder updatesPerStep(int v) {
      updatesPerStep = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder warmupSteps(int v) {
      warmupSteps = v;
      return this;
    }

    public Builder maxGradNorm(double v) {
      maxGradNorm = v;
      return this;
    }

    public Builder loss(LossConfig v) {
      loss = v;
      return this;
    }

    public Builder sampling(SamplingParams v) {
      sampling = v;
      return this;
    }

    public Builder scaleAdvantagesByStd(boolean v) {
      scaleAdvantagesByStd = v;
      return this;
    }

    public Builder maskTruncated(boolean v) {
      maskTruncated = v;
      return this;
    }

    public Builder maxSamplingRounds(int v) {
      maxSamplingRounds = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder groupFilter(GroupFilter v) {
      groupFilter = v;
      return this;
    }

    public Builder surrogateGuard(boolean v) {
      surrogateGuard = v;
      return this;
    }

    public Builder memory(TrainingMemory v) {
      memory = v;
      return this;
    }

    public TrainerConfig build() {
      return new TrainerConfig(
          promptsPerStep,
          groupSize,
          updatesPerStep,
          learningRate,
          warmupSteps,
          maxGradNorm,
          loss,
          sampling,
          scaleAdvantagesByStd,
          maskTruncated,
          maxSamplingRounds,
          weightDecay,
          groupFilter,
          surrogateGuard,
          memory);
    }
  }
}
