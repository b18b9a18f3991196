package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.io.SafeTensors;
import io.prorl.engine.job.RunBudget;
import io.prorl.engine.job.TrainPhaseJob;
import io.prorl.engine.rl.GroupFilter;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PhaseLimits;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.rl.ValidationConfig;
import io.prorl.engine.sampling.SamplingParams;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

/**
 * The hyperparameters of a ProRL phase as Kestra properties, and their rendering into the engine's
 * config records. Every default is the engine record's ({@link TrainerConfig#DEFAULTS}, {@link
 * PhaseLimits#DEFAULTS}, {@link ValidationConfig#DEFAULTS}, {@link TrainPhaseJob.Config}); static
 * validation applies the records' own rules to literal values.
 */
@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
public abstract class PhaseSettings extends TrackedTask implements StaticallyChecked {
  private static final TrainerConfig T = TrainerConfig.DEFAULTS;
  private static final PhaseLimits L = PhaseLimits.DEFAULTS;
  private static final ValidationConfig V = ValidationConfig.DEFAULTS;

  @Schema(title = "Mixed rollout groups wanted per step (the paper's batch of prompts).")
  @Builder.Default
  private Property<Integer> promptsPerStep = Property.ofValue(T.promptsPerStep());

  @Schema(title = "Responses per prompt, G (paper: 16).")
  @Builder.Default
  private Property<Integer> groupSize = Property.ofValue(T.groupSize());

  @Schema(title = "Mini-batch updates per rollout batch.")
  @Builder.Default
  private Property<Integer> updatesPerStep = Property.ofValue(T.updatesPerStep());

  @Schema(title = "Peak learning rate.")
  @Builder.Default
  private Property<Double> learningRate = Property.ofValue(T.learningRate());

  @Schema(title = "Linear learning-rate warm-up steps (0 = constant).")
  @Builder.Default
  private Property<Integer> warmupSteps = Property.ofValue(T.warmupSteps());

  @Schema(title = "Global gradient-norm clip (0 = off).")
  @Builder.Default
  private Property<Double> maxGradNorm = Property.ofValue(T.maxGradNorm());

  @Schema(title = "Lower clip range: ratio >= 1 - epsLow (paper 0.2).")
  @Builder.Default
  private Property<Double> epsLow = Property.ofValue(T.loss().epsLow());

  @Schema(title = "Upper clip range, decoupled (clip-higher): ratio <= 1 + epsHigh (paper 0.4).")
  @Builder.Default
  private Property<Double> epsHigh = Property.ofValue(T.loss().epsHigh());

  @Schema(title = "KL coefficient beta (k3 estimator); 0 skips the reference policy.")
  @Builder.Default
  private Property<Double> klCoef = Property.ofValue(T.loss().klCoef());

  @Schema(title = "Entropy bonus coefficient (0 = off).")
  @Builder.Default
  private Property<Double> entropyCoef = Property.ofValue(T.loss().entropyCoef());

  @Schema(
      title =
          "Dual clip (verl's clip_ratio_c): a negative-advantage token's loss is at most"
              + " -A * clipRatioC; > 1, or 0 for none (verl's default 3).")
  @Builder.Default
  private Property<Double> clipRatioC = Property.ofValue(T.loss().clipRatioC());

  @Schema(
      title =
          "After each mini-batch update, rescore it without gradient and log the surrogate's"
              + " first-order gain (surrogateGain); a negative gain while clipping is quiet is"
              + " warned. One extra no-gradient forward per update (17-19% of a tiny step).")
  @Builder.Default
  private Property<Boolean> surrogateGuard = Property.ofValue(T.surrogateGuard());

  @Schema(title = "Loss aggregation: TOKEN (DAPO) or SEQUENCE (GRPO).")
  @Builder.Default
  private Property<LossConfig.Aggregation> aggregation = Property.ofValue(T.loss().aggregation());

  @Schema(title = "Rollout temperature (paper 1.2).")
  @Builder.Default
  private Property<Double> temperature = Property.ofValue(T.sampling().temperature());

  @Schema(title = "Rollout nucleus sampling (1 = off).")
  @Builder.Default
  private Property<Double> topP = Property.ofValue(T.sampling().topP());

  @Schema(title = "Response length limit in tokens (rollouts and validation).")
  @Builder.Default
  private Property<Integer> maxNewTokens = Property.ofValue(T.sampling().maxNewTokens());

  @Schema(title = "Divide advantages by the group's std (GRPO) or not.")
  @Builder.Default
  private Property<Boolean> scaleAdvantagesByStd = Property.ofValue(T.scaleAdvantagesByStd());

  @Schema(title = "Leave responses cut at maxNewTokens out of the loss.")
  @Builder.Default
  private Property<Boolean> maskTruncated = Property.ofValue(T.maskTruncated());

  @Schema(title = "Dynamic-sampling rounds per step.")
  @Builder.Default
  private Property<Integer> maxSamplingRounds = Property.ofValue(T.maxSamplingRounds());

  @Schema(
      title = "Groups dynamic sampling keeps: REWARD_VARIANCE (rewards not all equal) or ACCURACY.",
      description =
          "ACCURACY is ProRL's and DAPO's filter: keep a group when some but not all of its"
              + " responses are fully correct, so partial credit alone does not keep it.")
  @Builder.Default
  private Property<GroupFilter> groupFilter = Property.ofValue(T.groupFilter());

  @Schema(title = "AdamW weight decay.")
  @Builder.Default
  private Property<Double> weightDecay = Property.ofValue(T.weightDecay());

  @Schema(title = "Stop the phase after this many RL steps (alone: a fixed reset schedule).")
  @Builder.Default
  private Property<Integer> maxSteps = Property.ofValue(L.maxSteps());

  @Schema(title = "Stop the phase when a step ends after this much time (ISO-8601, e.g. PT2H).")
  private Property<Duration> maxDuration;

  @Schema(title = "Validate every N steps (0 = never).")
  @Builder.Default
  private Property<Integer> validateEvery = Property.ofValue(L.validateEvery());

  @Schema(title = "Stop after this many validations without a new best: a stall (0 = off).")
  @Builder.Default
  private Property<Integer> patience = Property.ofValue(L.patience());

  @Schema(title = "Stop when the mean KL to the reference exceeds this (0 = off).")
  @Builder.Default
  private Property<Double> maxKl = Property.ofValue(L.maxKl());

  @Schema(title = "End the run when validation reaches this blend (0 = off).")
  @Builder.Default
  private Property<Double> validationTarget = Property.ofValue(L.validationTarget());

  @Schema(title = "Validation problems used per family (the first N of each).")
  @Builder.Default
  private Property<Integer> validationProblems = Property.ofValue(V.problems());

  @Schema(title = "Samples per validation problem; pass@1 per family, mean over families.")
  @Builder.Default
  private Property<Integer> validationSamples = Property.ofValue(V.samples());

  @Schema(title = "Validation sampling temperature (ProRL evaluates at 0.6).")
  @Builder.Default
  private Property<Double> validationTemperature = Property.ofValue(V.temperature());

  @Schema(title = "RL steps of the whole run, all phases (0 = no limit).")
  @Builder.Default
  private Property<Integer> runMaxSteps = Property.ofValue(RunBudget.NONE.maxSteps());

  @Schema(title = "Wall time of the whole run since its first checkpoint (ISO-8601).")
  private Property<Duration> runMaxDuration;

  @Schema(title = "Reset the optimizer with the reference (ProRL v1) or keep its moments (v2).")
  @Builder.Default
  private Property<Boolean> resetOptimizer =
      Property.ofValue(TrainPhaseJob.Config.DEFAULT_RESET_OPTIMIZER);

  @Schema(title = "A resume checkpoint every N steps (the phase end is always written).")
  @Builder.Default
  private Property<Integer> checkpointEvery =
      Property.ofValue(TrainPhaseJob.Config.DEFAULT_CHECKPOINT_EVERY);

  @Schema(
      title = "Step checkpoints of the run to keep (0 = all), besides phase starts and ends.",
      description = "Older resume points are deleted, MANIFEST.json first.")
  @Builder.Default
  private Property<Integer> keepLast = Property.ofValue(TrainPhaseJob.Config.DEFAULT_KEEP_LAST);

  @Schema(
      title =
          "The dtype of the checkpoints' policy files: bf16, f16 or f32; empty = the start policy's.",
      description =
          "A policy saved in bf16 or f16 keeps fp32 master weights beside it, so training resumes"
              + " exactly; evaluation and HF tools read the policy files.")
  @Builder.Default
  private Property<String> saveDtype = Property.ofValue("");

  @Schema(title = MemorySettings.LOGIT_CHUNK, description = MemorySettings.LOGIT_CHUNK_DESCRIPTION)
  @Builder.Default
  private Property<Integer> logitChunk = Property.ofValue(T.memory().logitChunk());

  @Schema(title = MemorySettings.MICRO_BATCH_TOKENS)
  @Builder.Default
  private Property<Integer> microBatchTokens = Property.ofValue(T.memory().microBatchTokens());

  @Schema(title = MemorySettings.RECOMPUTE)
  @Builder.Default
  private Property<Boolean> recompute = Property.ofValue(T.memory().recompute());

  @Schema(title = "The run's seed.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(TrainPhaseJob.Config.DEFAULT_SEED);

  @Schema(title = "cpu, gpu or auto; gpu fails fast with the GPU preflight's reason.")
  @Builder.Default
  private Property<String> device = Property.ofValue(TrainPhaseJob.Config.DEFAULT_DEVICE);

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    out.addAll(
        LossConfig.violations(
            StaticValues.decimal(epsLow),
            StaticValues.decimal(epsHigh),
            StaticValues.decimal(klCoef),
            StaticValues.decimal(entropyCoef),
            StaticValues.decimal(clipRatioC)));
    out.addAll(
        TrainerConfig.violations(
            StaticValues.integer(promptsPerStep),
            StaticValues.integer(groupSize),
            StaticValues.integer(updatesPerStep),
            StaticValues.decimal(learningRate),
            StaticValues.integer(warmupSteps),
            StaticValues.decimal(maxGradNorm),
            StaticValues.integer(maxSamplingRounds),
            StaticValues.decimal(weightDecay)));
    out.addAll(
        PhaseLimits.violations(
            StaticValues.integer(maxSteps),
            StaticValues.integer(validateEvery),
            StaticValues.integer(patience),
            StaticValues.decimal(maxKl),
            StaticValues.decimal(validationTarget)));
    out.addAll(
        ValidationConfig.violations(
            StaticValues.integer(validationProblems),
            StaticValues.integer(validationSamples),
            StaticValues.decimal(validationTemperature),
            V.topP()));
    out.addAll(
        TrainPhaseJob.Config.violations(
            StaticValues.integer(checkpointEvery),
            StaticValues.integer(keepLast),
            StaticValues.text(device).orElse(null)));
    out.addAll(MemorySettings.violations(logitChunk, microBatchTokens));
    StaticValues.text(saveDtype)
        .ifPresent(v -> {
          try {
            saveDtype(v);
          } catch (IllegalArgumentException e) {
            out.add(e.getMessage());
          }
        });
    return out;
  }

  /** The rendered saveDtype: null when empty (the start policy's dtype). */
  private static SafeTensors.DType saveDtype(String value) {
    if (value.isBlank()) {
      return null;
    }
    try {
      return SafeTensors.DType.parse(value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("saveDtype " + e.getMessage(), e);
    }
  }

  /** Applies the rendered settings to a phase job's config. */
  protected TrainPhaseJob.Builder settings(RunContext rc, TrainPhaseJob.Builder b)
      throws Exception {
    return b.trainer(trainerConfig(rc))
        .limits(
            new PhaseLimits(
                Rendered.required(rc, maxSteps, Integer.class, "maxSteps"),
                Rendered.optional(rc, maxDuration, Duration.class),
                Rendered.required(rc, validateEvery, Integer.class, "validateEvery"),
                Rendered.required(rc, patience, Integer.class, "patience"),
                Rendered.required(rc, maxKl, Double.class, "maxKl"),
                Rendered.required(rc, validationTarget, Double.class, "validationTarget")))
        .validation(validationConfig(rc))
        .budget(
            new RunBudget(
                Rendered.required(rc, runMaxSteps, Integer.class, "runMaxSteps"),
                Rendered.optional(rc, runMaxDuration, Duration.class)))
        .resetOptimizer(Rendered.required(rc, resetOptimizer, Boolean.class, "resetOptimizer"))
        .checkpointEvery(Rendered.required(rc, checkpointEvery, Integer.class, "checkpointEvery"))
        .keepLast(Rendered.required(rc, keepLast, Integer.class, "keepLast"))
        .saveDtype(saveDtype(Rendered.required(rc, saveDtype, String.class, "saveDtype")))
        .seed(Rendered.required(rc, seed, Long.class, "seed"))
        .device(Rendered.required(rc, device, String.class, "device"));
  }

  private ValidationConfig validationConfig(RunContext rc) throws Exception {
    return new ValidationConfig(
        Rendered.required(rc, validationProblems, Integer.class, "validationProblems"),
        Rendered.required(rc, validationSamples, Integer.class, "validationSamples"),
        Rendered.required(rc, validationTemperature, Double.class, "validationTemperature"),
        V.topP(),
        V.seed());
  }

  private TrainerConfig trainerConfig(RunContext rc) throws Exception {
    return TrainerConfig.builder()
        .promptsPerStep(Rendered.required(rc, promptsPerStep, Integer.class, "promptsPerStep"))
        .groupSize(Rendered.required(rc, groupSize, Integer.class, "groupSize"))
        .updatesPerStep(Rendered.required(rc, updatesPerStep, Integer.class, "updatesPerStep"))
        .learningRate(Rendered.required(rc, learningRate, Double.class, "learningRate"))
        .warmupSteps(Rendered.required(rc, warmupSteps, Integer.class, "warmupSteps"))
        .maxGradNorm(Rendered.required(rc, maxGradNorm, Double.class, "maxGradNorm"))
        .loss(
            new LossConfig(
                Rendered.required(rc, epsLow, Double.class, "epsLow"),
                Rendered.required(rc, epsHigh, Double.class, "epsHigh"),
                Rendered.required(rc, klCoef, Double.class, "klCoef"),
                Rendered.required(rc, entropyCoef, Double.class, "entropyCoef"),
                Rendered.required(rc, aggregation, LossConfig.Aggregation.class, "aggregation"),
                Rendered.required(rc, clipRatioC, Double.class, "clipRatioC")))
        .sampling(
            new SamplingParams(
                Rendered.required(rc, temperature, Double.class, "temperature"),
                Rendered.required(rc, topP, Double.class, "topP"),
                0,
                Rendered.required(rc, maxNewTokens, Integer.class, "maxNewTokens"),
                List.of(),
                0))
        .scaleAdvantagesByStd(
            Rendered.required(rc, scaleAdvantagesByStd, Boolean.class, "scaleAdvantagesByStd"))
        .maskTruncated(Rendered.required(rc, maskTruncated, Boolean.class, "maskTruncated"))
        .maxSamplingRounds(
            Rendered.required(rc, maxSamplingRounds, Integer.class, "maxSamplingRounds"))
        .weightDecay(Rendered.required(rc, weightDecay, Double.class, "weightDecay"))
        .groupFilter(Rendered.required(rc, groupFilter, GroupFilter.class, "groupFilter"))
        .surrogateGuard(Rendered.required(rc, surrogateGuard, Boolean.class, "surrogateGuard"))
        .memory(MemorySettings.render(rc, logitChunk, microBatchTokens, recompute))
        .build();
  }
}
