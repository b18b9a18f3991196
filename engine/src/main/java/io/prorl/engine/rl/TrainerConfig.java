package io.prorl.engine.rl;

import io.prorl.engine.sampling.SamplingParams;

/**
 * Hyperparameters of RL steps, with ProRL's names.
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
    double weightDecay) {

  public TrainerConfig {
    positive("promptsPerStep", promptsPerStep);
    positive("updatesPerStep", updatesPerStep);
    positive("maxSamplingRounds", maxSamplingRounds);
    if (groupSize < 2) {
      throw new IllegalArgumentException("groupSize must be at least 2, got " + groupSize);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
    }
    if (warmupSteps < 0 || maxGradNorm < 0 || weightDecay < 0) {
      throw new IllegalArgumentException("warmupSteps, maxGradNorm and weightDecay must be >= 0");
    }
  }

  /** lr_t = learningRate * min(1, (t + 1) / warmupSteps), t counted from 0 within the phase. */
  public double learningRateAt(int step) {
    return warmupSteps == 0
        ? learningRate
        : learningRate * Math.min(1.0, (step + 1.0) / warmupSteps);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + v);
    }
  }
}
