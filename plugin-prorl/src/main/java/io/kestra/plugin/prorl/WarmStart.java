package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.job.WarmStartJob;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
@ValidProrlTask
@Schema(
    title = "Warm-start the embedded tiny policy by supervised fine-tuning on worked solutions.",
    description =
        "Initialises the embedded default (1,024-token BPE, ~1.3M parameters) from a seed and"
            + " fine-tunes it on the training problems' worked solutions, so that RL starts from a"
            + " weak but not hopeless base. Writes the run's phase-0 checkpoint (an HF directory"
            + " with MANIFEST.json); a retry returns the complete checkpoint instead of training"
            + " again.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Warm start on a generated dataset.",
          code =
              """
              id: prorl-warm-start
              namespace: prorl.examples
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  generate:
                    - family: graph_color
                      count: 300
                      difficulty: {vertices: 4, edgeProbability: 0.5, colors: 3}
                - id: base
                  type: io.kestra.plugin.prorl.WarmStart
                  dataset: "{{ outputs.dataset.train }}"
                  validation: "{{ outputs.dataset.validation }}"
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  steps: 50
              """)
    })
public class WarmStart extends S3ConnectedTask
    implements RunnableTask<WarmStart.Output>, StaticallyChecked {
  /** Every SFT default and rule is the engine's. */
  private static final io.prorl.engine.rl.WarmStart.Config SFT =
      io.prorl.engine.rl.WarmStart.Config.DEFAULTS;

  @Schema(title = "Training problems with worked solutions (JSONL URI).")
  @NotNull
  private Property<String> dataset;

  @Schema(title = "Validation problems (JSONL URI) for the base's pass@1, optional.")
  private Property<String> validation;

  @Schema(title = "Where checkpoints go: file:///dir, s3://bucket/prefix or a path.")
  @NotNull
  private Property<String> checkpointRoot;

  @Schema(title = "Run id; defaults to the execution id.")
  private Property<String> runId;

  @Schema(title = "SFT optimizer steps.")
  @Builder.Default
  private Property<Integer> steps = Property.ofValue(SFT.steps());

  @Schema(title = "Examples per SFT step.")
  @Builder.Default
  private Property<Integer> batchSize = Property.ofValue(SFT.batchSize());

  @Schema(title = "SFT peak learning rate (AdamW, 10% linear warm-up, then cosine decay).")
  @Builder.Default
  private Property<Double> learningRate = Property.ofValue(SFT.learningRate());

  @Schema(title = "The learning rate at the last SFT step, as a share of the peak (1 = constant).")
  @Builder.Default
  private Property<Double> finalLrFraction = Property.ofValue(SFT.finalLrFraction());

  @Schema(
      title = "Loss weight of the tokens that end an answer, relative to other solution tokens.",
      description =
          "The answer's last character, `</answer>` (or the closing brace of `\\boxed{}`) and"
              + " `<|im_end|>`: a tiny model that misses where its answer ends writes on until"
              + " maxNewTokens.")
  @Builder.Default
  private Property<Double> endWeight = Property.ofValue(SFT.endWeight());

  @Schema(title = "Examples longer than this many tokens are skipped.")
  @Builder.Default
  private Property<Integer> maxTokens = Property.ofValue(SFT.maxTokens());

  @Schema(title = "Seed of the initialisation and of the batch order.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(SFT.seed());

  @Schema(title = MemorySettings.LOGIT_CHUNK, description = MemorySettings.LOGIT_CHUNK_DESCRIPTION)
  @Builder.Default
  private Property<Integer> logitChunk = Property.ofValue(SFT.memory().logitChunk());

  @Schema(title = MemorySettings.MICRO_BATCH_TOKENS)
  @Builder.Default
  private Property<Integer> microBatchTokens = Property.ofValue(SFT.memory().microBatchTokens());

  @Schema(title = MemorySettings.RECOMPUTE)
  @Builder.Default
  private Property<Boolean> recompute = Property.ofValue(SFT.memory().recompute());

  @Schema(title = "Validation problems used for the base's pass@1 (the first N).")
  @Builder.Default
  private Property<Integer> validationProblems =
      Property.ofValue(WarmStartJob.Config.VALIDATION_PROBLEMS);

  @Override
  public List<String> staticViolations() {
    List<String> out =
        new java.util.ArrayList<>(
            io.prorl.engine.rl.WarmStart.Config.violations(
                StaticValues.number(steps).map(Double::intValue).orElse(null),
                StaticValues.number(batchSize).map(Double::intValue).orElse(null),
                StaticValues.number(learningRate).orElse(null),
                StaticValues.number(finalLrFraction).orElse(null),
                StaticValues.number(endWeight).orElse(null)));
    out.addAll(MemorySettings.violations(logitChunk, microBatchTokens));
    return out;
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    try (CheckpointStore store =
        openStore(runContext, runContext.render(checkpointRoot).as(String.class).orElseThrow())) {
      return warmStart(runContext, store);
    }
  }

  private Output warmStart(RunContext runContext, CheckpointStore store) throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    ProblemJsonl jsonl = new ProblemJsonl(families);
    ProblemFiles.Read train =
        ProblemFiles.read(
            runContext,
            jsonl,
            runContext.render(dataset).as(String.class).orElseThrow(),
            "dataset",
            s3Settings(runContext));
    var validationSubset =
        ProblemFiles.firstOf(
            runContext,
            jsonl,
            validation,
            "validation",
            validationProblems,
            WarmStartJob.Config.VALIDATION_PROBLEMS,
            s3Settings(runContext));
    String run = runContext.render(runId).as(String.class).orElse(Lineage.defaultRunId(runContext));
    long s = runContext.render(seed).as(Long.class).orElse(SFT.seed());
    WarmStartJob.Config config =
        new WarmStartJob.Config(
            store,
            run,
            s,
            new io.prorl.engine.rl.WarmStart.Config(
                runContext.render(steps).as(Integer.class).orElse(SFT.steps()),
                runContext.render(batchSize).as(Integer.class).orElse(SFT.batchSize()),
                runContext.render(learningRate).as(Double.class).orElse(SFT.learningRate()),
                runContext.render(finalLrFraction).as(Double.class).orElse(SFT.finalLrFraction()),
                runContext.render(endWeight).as(Double.class).orElse(SFT.endWeight()),
                runContext.render(maxTokens).as(Integer.class).orElse(SFT.maxTokens()),
                s,
                MemorySettings.render(runContext, logitChunk, microBatchTokens, recompute)),
            train.sha256(),
            Lineage.of(runContext));
    WarmStartJob.Result r =
        WarmStartJob.run(
            config,
            train.problems(),
            validationSubset,
            families,
            msg -> runContext.logger().info(msg));
    return Output.builder()
        .checkpoint(r.checkpoint())
        .runId(run)
        .reused(r.reused())
        .loss(Numbers.orNull(r.loss()))
        .validationPassAt1(Numbers.orNull(r.validationPassAt1()))
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "URI of the base policy (the run's phase-0 checkpoint, an HF directory).")
    private final String checkpoint;

    @Schema(title = "The run id the checkpoint belongs to.")
    private final String runId;

    @Schema(title = "True when a complete base from an earlier attempt was returned.")
    private final boolean reused;

    @Schema(title = "Mean SFT loss over the last 10% of steps (absent when reused).")
    private final Double loss;

    @Schema(title = "Greedy validation pass@1 of the base (absent without validation problems).")
    private final Double validationPassAt1;
  }
}
