package io.prorl.engine.rl;

import ai.djl.ndarray.NDManager;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointRetention;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.TrainerState;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.tasks.Seeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ProRL phase: the span between two reference resets. At phase start the reference is a frozen
 * copy of the incoming policy and the optimizer is new (zero moments): that is the hard reset.
 * Steps run until a limit, a validation plateau or a KL runaway; the result says why and whether
 * the next phase should reset. Running phases back to back is ProRL.
 *
 * <p>With a {@link CheckpointPlan} the phase writes its starting policy (step 0, the reference), a
 * resume point every N steps and its end; started again with the same run and phase it resumes from
 * the newest complete checkpoint (policy, optimizer moments, data cursor, validation history, and
 * the reference from step 0, never the resumed policy), so steps s+1.. repeat exactly.
 */
public final class PhaseTrainer {
  private final TrainerConfig config;
  private final PhaseLimits limits;
  private final AdamW.Config optimizerConfig;
  private final OptimizerCarry carried;
  private final InstantSource clock;

  /** AdamW moments carried into a phase: ProRL v2 keeps the optimizer across a reference reset. */
  public record OptimizerCarry(Map<String, SafeTensors.Tensor> moments, long steps) {}

  /** A ProRL v1 phase: the reset re-initialises the optimizer. */
  public PhaseTrainer(TrainerConfig config, PhaseLimits limits) {
    this(config, limits, null);
  }

  /**
   * @param carried AdamW state to start from (ProRL v2: only the reference is reset), or null for
   *     fresh moments (ProRL v1)
   */
  public PhaseTrainer(TrainerConfig config, PhaseLimits limits, OptimizerCarry carried) {
    this(config, limits, carried, InstantSource.system());
  }

  /**
   * @param clock the time {@code limits.maxDuration()} is measured on (a fake clock in tests)
   */
  public PhaseTrainer(
      TrainerConfig config, PhaseLimits limits, OptimizerCarry carried, InstantSource clock) {
    this.config = config;
    this.limits = limits;
    this.optimizerConfig = new AdamW.Config(0.9, 0.999, 1e-8, config.weightDecay());
    this.carried = carried;
    this.clock = clock;
  }

  /** A phase without checkpoints. */
  public PhaseResult run(
      Qwen2Model policy,
      DynamicSampler.RolloutSource rollouts,
      ProblemStream prompts,
      ValidationCheck validation,
      TrainingListener listener,
      long seed) {
    return run(policy, rollouts, prompts, validation, listener, seed, null);
  }

  /**
   * @param policy trained in place (and overwritten by the checkpoint when resuming)
   * @param rollouts builds rollout groups over the policy (usually a {@link RolloutGenerator})
   * @param prompts the training prompts, continuing where the last phase left them
   * @param validation the validation check (its blend drives the plateau stop), or null
   * @param seed makes every draw of the phase reproducible
   * @param plan checkpointing and resume, or null for none
   */
  public PhaseResult run(
      Qwen2Model policy,
      DynamicSampler.RolloutSource rollouts,
      ProblemStream prompts,
      ValidationCheck validation,
      TrainingListener listener,
      long seed,
      CheckpointPlan plan) {
    DjlEngine.gradientsOffOnThisThread();
    try {
      return train(policy, rollouts, prompts, validation, listener, seed, plan);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint I/O failed: " + e.getMessage(), e);
    }
  }

  private PhaseResult train(
      Qwen2Model policy,
      DynamicSampler.RolloutSource rollouts,
      ProblemStream prompts,
      ValidationCheck validation,
      TrainingListener listener,
      long seed,
      CheckpointPlan plan)
      throws IOException {
    List<StepMetrics> history = new ArrayList<>();
    List<Double> validations = new ArrayList<>();
    int firstStep = 1;
    String referenceKey = null;
    String lastCheckpoint = null;
    Qwen2Model reference = null;
    try (NDManager optimizerMemory = policy.manager().newSubManager();
        AdamW optimizer = new AdamW(optimizerConfig, optimizerMemory)) {
      Optional<CheckpointId> latest =
          plan == null
              ? Optional.empty()
              : plan.checkpointer().latestComplete(plan.runId(), plan.phase());
      if (latest.isPresent()) {
        Checkpointer.Loaded loaded = plan.checkpointer().load(latest.get());
        TrainerState s = loaded.state();
        policy.setWeights(loaded.weights());
        lastCheckpoint = plan.checkpointer().store().uri(latest.get().prefix()).toString();
        validations.addAll(s.validations());
        if (s.stopReason() != null) {
          listener.onWarning(
              "phase " + plan.phase() + " already ended at step " + s.step() + "; nothing to do");
          PhaseResult.StopReason done = PhaseResult.StopReason.valueOf(s.stopReason());
          return result(done, s.step(), history, validations, lastCheckpoint, s.step());
        }
        optimizer.load(loaded.optimizerState(), s.optimizerSteps());
        prompts.seek(s.dataEpoch(), s.dataOffset());
        firstStep = s.step() + 1;
        referenceKey = s.referenceKey();
        if (config.loss().klCoef() > 0) {
          CheckpointId refId = CheckpointId.parse(referenceKey);
          reference =
              Qwen2Model.fromTensors(
                  policy.config(),
                  plan.checkpointer().load(refId).weights(),
                  policy.manager().getDevice());
        }
      } else {
        // the ProRL reset: pi_ref := pi_theta; optimizer state re-initialised (v1) or kept (v2)
        if (carried != null) {
          optimizer.load(carried.moments(), carried.steps());
        }
        if (plan != null) {
          CheckpointId start = new CheckpointId(plan.runId(), plan.phase(), 0);
          referenceKey = start.prefix();
          lastCheckpoint =
              write(
                  plan,
                  start,
                  policy,
                  carried == null ? null : optimizer,
                  state(plan, 0, seed, prompts, optimizer.step(), referenceKey, validations, null));
          listener.onCheckpoint(lastCheckpoint, 0);
        }
        reference = config.loss().klCoef() > 0 ? frozenCopy(policy) : null;
      }
      policy.parameters().values().forEach(p -> p.setRequiresGradient(true));
      java.time.Instant start = clock.instant();
      PhaseResult.StopReason reason = null;
      int step = firstStep - 1;
      GrpoStep grpo = new GrpoStep(policy, reference, rollouts, config, optimizer, listener);
      while (reason == null && step < limits.maxSteps()) {
        step++;
        StepMetrics m = grpo.run(prompts, step, Seeds.derive(seed, step));
        history.add(m);
        listener.onStep(m);
        reason = stopAfter(step, m, policy, validation, validations, start, listener);
        // every update of the step refused: the weights the step started from (those of the
        // checkpoint after step - 1, if any) give a non-finite loss; or an update left weights
        // that are not finite numbers (written nowhere yet). Either way: stop, and end the phase
        // on the last good weights instead.
        boolean allRefused = m.skippedUpdates() > 0 && m.updates() == 0;
        if (allRefused || !policy.parametersFinite()) {
          reason = PhaseResult.StopReason.NON_FINITE_LOSS;
          if (plan != null) {
            lastCheckpoint = endOnLastGood(plan, policy, step, allRefused, validations, listener);
            break;
          }
        }
        if (plan != null
            && (reason != null || step == limits.maxSteps() || step % plan.everySteps() == 0)) {
          String stop =
              reason == null && step == limits.maxSteps()
                  ? PhaseResult.StopReason.MAX_STEPS.name()
                  : reason == null ? null : reason.name();
          lastCheckpoint =
              write(
                  plan,
                  new CheckpointId(plan.runId(), plan.phase(), step),
                  policy,
                  optimizer,
                  state(
                      plan,
                      step,
                      seed,
                      prompts,
                      optimizer.step(),
                      referenceKey,
                      validations,
                      stop));
          listener.onCheckpoint(lastCheckpoint, step);
          if (plan.keepLast() > 0) {
            for (String pruned :
                new CheckpointRetention(plan.checkpointer().store(), plan.keepLast())
                    .prune(plan.runId())) {
              listener.onCheckpointDeleted(pruned);
            }
          }
        }
      }
      return result(
          reason == null ? PhaseResult.StopReason.MAX_STEPS : reason,
          step,
          history,
          validations,
          lastCheckpoint,
          firstStep - 1);
    } finally {
      policy.parameters().values().forEach(p -> p.setRequiresGradient(false));
      if (reference != null) {
        reference.close();
      }
    }
  }

  /**
   * After a non-finite loss or non-finite weights at {@code step}: when the loss was computed from
   * the weights of a step checkpoint (written after step - 1), that checkpoint is deleted; the
   * newest complete checkpoint of the phase left (its weights gave a finite loss) is loaded, and
   * the phase's end is written at {@code step} with those weights and the reason, so that resumes
   * and the next phase start from good weights.
   *
   * @param previousWeightsBad the loss of {@code step} was not finite (not only the update)
   * @return the URI of the end checkpoint
   */
  private String endOnLastGood(
      CheckpointPlan plan,
      Qwen2Model policy,
      int step,
      boolean previousWeightsBad,
      List<Double> validations,
      TrainingListener listener)
      throws IOException {
    Checkpointer checkpointer = plan.checkpointer();
    CheckpointId bad = new CheckpointId(plan.runId(), plan.phase(), step - 1);
    if (previousWeightsBad
        && step - 1 > 0
        && checkpointer.store().exists(bad.prefix() + Checkpointer.MANIFEST)) {
      checkpointer.delete(bad);
      listener.onWarning(
          "checkpoint "
              + checkpointer.store().uri(bad.prefix())
              + " deleted: its weights give a non-finite loss");
    }
    CheckpointId good =
        checkpointer
            .latestComplete(plan.runId(), plan.phase())
            .orElseThrow(
                () -> new IllegalStateException("phase " + plan.phase() + " has no start"));
    Checkpointer.Loaded loaded = checkpointer.load(good);
    policy.setWeights(loaded.weights());
    TrainerState s = loaded.state();
    listener.onWarning(
        (previousWeightsBad ? "non-finite loss at step " : "non-finite weights after step ")
            + step
            + ": the phase ends on the weights of step "
            + good.step()
            + " ("
            + checkpointer.store().uri(good.prefix())
            + ")");
    String uri =
        checkpointer.write(
            new CheckpointId(plan.runId(), plan.phase(), step),
            policy,
            null,
            new TrainerState(
                s.phase(),
                step,
                s.seed(),
                s.dataEpoch(),
                s.dataOffset(),
                s.optimizerSteps(),
                s.referenceKey(),
                validations,
                PhaseResult.StopReason.NON_FINITE_LOSS.name()));
    listener.onCheckpoint(uri, step);
    return uri;
  }

  /** The stop condition met after {@code step}, or null to go on. */
  private PhaseResult.StopReason stopAfter(
      int step,
      StepMetrics m,
      Qwen2Model policy,
      ValidationCheck validation,
      List<Double> validations,
      java.time.Instant start,
      TrainingListener listener) {
    if (limits.maxKl() > 0 && m.kl() > limits.maxKl()) {
      return PhaseResult.StopReason.KL_LIMIT;
    }
    if (validation != null && limits.validateEvery() > 0 && step % limits.validateEvery() == 0) {
      Validation v = validation.validate(policy);
      validations.add(v.blend());
      listener.onValidation(step, v);
      if (limits.validationTarget() > 0 && v.blend() >= limits.validationTarget()) {
        return PhaseResult.StopReason.VALIDATION_TARGET;
      }
      if (limits.patience() > 0 && sinceBest(validations) >= limits.patience()) {
        return PhaseResult.StopReason.PLATEAU;
      }
    }
    if (limits.maxDuration() != null
        && java.time.Duration.between(start, clock.instant()).compareTo(limits.maxDuration()) > 0
        && step < limits.maxSteps()) {
      return PhaseResult.StopReason.MAX_DURATION;
    }
    return null;
  }

  /** Validations since the last new best (the first validation is always a new best). */
  private static int sinceBest(List<Double> validations) {
    double best = Double.NEGATIVE_INFINITY;
    int since = 0;
    for (double v : validations) {
      if (v > best) {
        best = v;
        since = 0;
      } else {
        since++;
      }
    }
    return since;
  }

  private static PhaseResult result(
      PhaseResult.StopReason reason,
      int steps,
      List<StepMetrics> history,
      List<Double> validations,
      String checkpoint,
      int resumedFrom) {
    boolean reset =
        reason == PhaseResult.StopReason.PLATEAU || reason == PhaseResult.StopReason.KL_LIMIT;
    double best = validations.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return new PhaseResult(
        reason, reset, steps, history, validations, best, checkpoint, resumedFrom);
  }

  private static TrainerState state(
      CheckpointPlan plan,
      int step,
      long seed,
      ProblemStream prompts,
      long optimizerSteps,
      String referenceKey,
      List<Double> validations,
      String stopReason) {
    int[] cursor = prompts.cursor();
    return new TrainerState(
        plan.phase(),
        step,
        seed,
        cursor[0],
        cursor[1],
        optimizerSteps,
        referenceKey,
        validations,
        stopReason);
  }

  private static String write(
      CheckpointPlan plan, CheckpointId id, Qwen2Model policy, AdamW optimizer, TrainerState state)
      throws IOException {
    return plan.checkpointer().write(id, policy, optimizer, state);
  }

  private static Qwen2Model frozenCopy(Qwen2Model policy) {
    return Qwen2Model.fromTensors(
        policy.config(), policy.toTensors(), policy.manager().getDevice());
  }
}
