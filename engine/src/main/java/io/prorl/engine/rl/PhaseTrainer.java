package io.prorl.engine.rl;

import ai.djl.ndarray.NDManager;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One ProRL phase: the span between two reference resets. At phase start the reference is a frozen
 * copy of the incoming policy and the optimizer is new (zero moments): that is the hard reset.
 * Steps run until a limit, a validation plateau or a KL runaway; the result says why and whether
 * the next phase should reset. Running phases back to back is ProRL.
 */
public final class PhaseTrainer {
  private final TrainerConfig config;
  private final PhaseLimits limits;
  private final AdamW.Config optimizerConfig;

  public PhaseTrainer(TrainerConfig config, PhaseLimits limits) {
    this.config = config;
    this.limits = limits;
    this.optimizerConfig = new AdamW.Config(0.9, 0.999, 1e-8, config.weightDecay());
  }

  /**
   * @param policy trained in place
   * @param rollouts builds a rollout source over the policy (usually a {@link RolloutGenerator})
   * @param prompts the training prompts, continuing where the last phase left them
   * @param validation pass@1 of a policy on the validation set, or null for none
   * @param seed makes every draw of the phase reproducible
   */
  public PhaseResult run(
      Qwen2Model policy,
      DynamicSampler.RolloutSource rollouts,
      ProblemStream prompts,
      ToDoubleFunction<Qwen2Model> validation,
      TrainingListener listener,
      long seed) {
    long start = System.nanoTime();
    List<StepMetrics> history = new ArrayList<>();
    List<Double> validations = new ArrayList<>();
    double best = Double.NaN;
    int sinceBest = 0;
    PhaseResult.StopReason reason = PhaseResult.StopReason.MAX_STEPS;
    policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
    // the ProRL reset: pi_ref := pi_theta, optimizer state re-initialised
    try (Qwen2Model reference = config.loss().klCoef() > 0 ? frozenCopy(policy) : null;
        NDManager optimizerMemory = policy.manager().newSubManager();
        AdamW optimizer = new AdamW(optimizerConfig, optimizerMemory)) {
      GrpoStep grpo = new GrpoStep(policy, reference, rollouts, config, optimizer, listener);
      for (int step = 1; step <= limits.maxSteps(); step++) {
        StepMetrics m;
        try {
          m = grpo.run(prompts, step, seed * 1_000_003L + step);
        } catch (NonFiniteLossException e) {
          listener.onWarning("step " + step + ": " + e.getMessage() + "; the phase stops");
          reason = PhaseResult.StopReason.NON_FINITE_LOSS;
          break;
        }
        history.add(m);
        listener.onStep(m);
        if (limits.maxKl() > 0 && m.kl() > limits.maxKl()) {
          reason = PhaseResult.StopReason.KL_LIMIT;
          break;
        }
        if (validation != null
            && limits.validateEvery() > 0
            && step % limits.validateEvery() == 0) {
          double v = validation.applyAsDouble(policy);
          validations.add(v);
          if (Double.isNaN(best) || v > best) {
            best = v;
            sinceBest = 0;
          } else if (++sinceBest >= limits.patience() && limits.patience() > 0) {
            reason = PhaseResult.StopReason.PLATEAU;
            break;
          }
        }
        if (limits.maxDuration() != null
            && System.nanoTime() - start > limits.maxDuration().toNanos()
            && step < limits.maxSteps()) {
          reason = PhaseResult.StopReason.MAX_DURATION;
          break;
        }
      }
    } finally {
      policy.parameters().values().forEach(p -> p.setRequiresGradient(false));
    }
    boolean reset =
        reason == PhaseResult.StopReason.PLATEAU || reason == PhaseResult.StopReason.KL_LIMIT;
    return new PhaseResult(reason, reset, history.size(), history, validations, best);
  }

  private static Qwen2Model frozenCopy(Qwen2Model policy) {
    return Qwen2Model.fromTensors(
        policy.config(), policy.toTensors(), policy.manager().getDevice());
  }
}
