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
import java.util.ArrayList;
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
  private Property<Integer> steps = Property.ofValue(200);

  @Schema(title = "Examples per SFT step.")
  @Builder.Default
  private Property<Integer> batchSize = Property.ofValue(32);

  @Schema(title = "SFT learning rate (AdamW, 10% warm-up).")
  @Builder.Default
  private Property<Double> learningRate = Property.ofValue(2e-3);

  @Schema(title = "Examples longer than this many tokens are skipped.")
  @Builder.Default
  private Property<Integer> maxTokens = Property.ofValue(256);

  @Schema(title = "Seed of the initialisation and of the batch order.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(1L);

  @Schema(title = "Validation problems used for the base's pass@1 (the first N).")
  @Builder.Default
  private Property<Integer> validationProblems = Property.ofValue(100);

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    StaticValues.atLeast(out, "steps", steps, 1);
    StaticValues.atLeast(out, "batchSize", batchSize, 1);
    StaticValues.number(learningRate)
        .filter(v -> !(v > 0))
        .ifPresent(v -> out.add("learningRate must be > 0, got " + v));
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
            100,
            s3Settings(runContext));
    String run = runContext.render(runId).as(String.class).orElse(Lineage.defaultRunId(runContext));
    WarmStartJob.Config config =
        new WarmStartJob.Config(
            store,
            run,
            runContext.render(seed).as(Long.class).orElse(1L),
            new io.prorl.engine.rl.WarmStart.Config(
                runContext.render(steps).as(Integer.class).orElse(200),
                runContext.render(batchSize).as(Integer.class).orElse(32),
                runContext.render(learningRate).as(Double.class).orElse(2e-3),
                runContext.render(maxTokens).as(Integer.class).orElse(256),
                runContext.render(seed).as(Long.class).orElse(1L)),
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
