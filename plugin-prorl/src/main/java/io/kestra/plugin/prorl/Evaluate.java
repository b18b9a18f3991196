package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Metric;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.executions.metrics.Gauge;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.engine.job.EvaluationCounts;
import io.prorl.engine.job.Shard;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    title = "The reasoning boundary: unbiased pass@k of checkpoints per family and on OOD sets.",
    description =
        "Samples n completions per problem from each policy (temperature 0.6, top-p 0.95 as in"
            + " ProRL), scores them with the task verifiers and reports pass@k = 1 - C(n-c,k)/C(n,k)"
            + " averaged over problems for k = 1, 2, 4, ... and n: per set (each family of the"
            + " held-out problems, and each named out-of-distribution set), and overall and per"
            + " family on the held-out problems. The report (schemas/evaluation-report.schema.json)"
            + " lists the policies in the given order. With checkpointRoot and runId, the results"
            + " are merged into the run's boundary history (<checkpointRoot>/<runId>/"
            + "boundary-history.json, schemas/boundary-history.schema.json); re-evaluating a"
            + " checkpoint replaces its entries. With mlflowUri set, metrics"
            + " eval.<policy>.<set>.pass_at_<k> (and mean_reward, response_tokens) go to the MLflow"
            + " run of the flow execution, the report and the history as artifacts.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "The base and a trained checkpoint of a run, on held-out and OOD problems.",
          code =
              """
              id: prorl-eval-example
              namespace: prorl.examples
              inputs:
                - id: base
                  type: STRING
                - id: trained
                  type: STRING
                - id: problems
                  type: STRING
                - id: boxnet
                  type: STRING
              tasks:
                - id: evaluate
                  type: io.kestra.plugin.prorl.Evaluate
                  policies:
                    base: "{{ inputs.base }}"
                    trained: "{{ inputs.trained }}"
                  problems: "{{ inputs.problems }}"
                  outOfDistribution:
                    boxnet: "{{ inputs.boxnet }}"
                  samples: 8
                  checkpointRoot: file:///tmp/prorl/checkpoints
                  runId: "{{ execution.id }}"
              """)
    },
    metrics = {
      @Metric(name = "pass_at_k", type = Gauge.TYPE, description = "tags: policy, set, k"),
      @Metric(name = "mean_reward", type = Gauge.TYPE, description = "tags: policy, set")
    })
public class Evaluate extends PublishedEvaluation
    implements RunnableTask<Evaluate.Output>, StaticallyChecked {

  @Schema(title = "Policies to evaluate: name -> HF directory (file://, s3:// or a path).")
  @NotNull
  private Property<Map<String, String>> policies;

  @Schema(
      title = "Held-out problems of the trained families (JSONL URI); one set per family.",
      description = "Each family's problems are a set named after the family.")
  @NotNull
  private Property<String> problems;

  @Schema(
      title = "Out-of-distribution sets: name -> problem JSONL URI.",
      description =
          "Each is reported as its own set, flagged outOfDistribution. A map, or an expression"
              + " that renders to a JSON map (e.g. \"{{ outputs.dataset.ood }}\"). A name must not"
              + " be a family of the held-out problems.")
  private Property<Map<String, String>> outOfDistribution;

  @Schema(
      title =
          "Evaluate only the first N problems of each set (each family, each OOD set); 0 = all.")
  @Builder.Default
  private Property<Integer> maxProblems = Property.ofValue(EvaluateJob.DEFAULT_MAX_PROBLEMS);

  @Schema(title = "Completions sampled per problem, n.")
  @Builder.Default
  private Property<Integer> samples = Property.ofValue(EvaluateJob.DEFAULT_SAMPLES);

  @Schema(
      title = "The k of each pass@k, each in [1, samples].",
      description = "Unset: k = 1, 2, 4, ... (powers of two below n) and n itself.")
  private Property<List<Integer>> ks;

  @Schema(title = "Sampling temperature (ProRL evaluates at 0.6).")
  @Builder.Default
  private Property<Double> temperature = Property.ofValue(EvaluateJob.DEFAULT_TEMPERATURE);

  @Schema(title = "Nucleus sampling (ProRL: 0.95).")
  @Builder.Default
  private Property<Double> topP = Property.ofValue(EvaluateJob.DEFAULT_TOP_P);

  @Schema(title = "Response length limit in tokens.")
  @Builder.Default
  private Property<Integer> maxNewTokens = Property.ofValue(EvaluateJob.DEFAULT_MAX_NEW_TOKENS);

  @Schema(title = "Sampling seed; every policy sees the same seeds.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(EvaluateJob.DEFAULT_SEED);

  @Schema(title = "cpu, gpu or auto.")
  @Builder.Default
  private Property<String> device = Property.ofValue(EvaluateJob.DEFAULT_DEVICE);

  @Schema(
      title = "Which shard of the evaluation this task runs, from 0 (with shardCount).",
      description =
          "Each set's sampling batches (whole problems, n samples each) are cut into shardCount"
              + " contiguous runs; this task samples run shardIndex, with the seeds an unsharded"
              + " evaluation would use for those batches. A shard outputs only its per-problem"
              + " counts; MergeEvaluations turns all shards' counts into the report, equal to the"
              + " unsharded one to the last digit.")
  @Builder.Default
  private Property<Integer> shardIndex = Property.ofValue(Shard.WHOLE.index());

  @Schema(title = "Into how many shards the evaluation is cut; 1 = unsharded.")
  @Builder.Default
  private Property<Integer> shardCount = Property.ofValue(Shard.WHOLE.count());

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    boolean literalSamples = samples == null || StaticValues.text(samples).isPresent();
    int n = StaticValues.number(samples).map(Double::intValue).orElse(EvaluateJob.DEFAULT_SAMPLES);
    out.addAll(
        EvaluateJob.violations(
            n,
            literalSamples ? StaticValues.integers(ks).orElse(List.of()) : List.of(),
            StaticValues.number(temperature).orElse(EvaluateJob.DEFAULT_TEMPERATURE),
            StaticValues.number(topP).orElse(EvaluateJob.DEFAULT_TOP_P),
            StaticValues.number(maxNewTokens)
                .map(Double::intValue)
                .orElse(EvaluateJob.DEFAULT_MAX_NEW_TOKENS),
            StaticValues.number(maxProblems)
                .map(Double::intValue)
                .orElse(EvaluateJob.DEFAULT_MAX_PROBLEMS)));
    if (historyHalfGiven()) {
      out.add(HISTORY_NEEDS_BOTH);
    }
    return out;
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    EvaluateJob.Builder config =
        EvaluateJob.Config.builder(runContext.render(policies).asMap(String.class, String.class))
            .s3(s3Settings(runContext))
            .ks(runContext.render(ks).asList(Integer.class));
    runContext.render(samples).as(Integer.class).ifPresent(config::samples);
    runContext.render(temperature).as(Double.class).ifPresent(config::temperature);
    runContext.render(topP).as(Double.class).ifPresent(config::topP);
    runContext.render(maxNewTokens).as(Integer.class).ifPresent(config::maxNewTokens);
    runContext.render(maxProblems).as(Integer.class).ifPresent(config::maxProblems);
    runContext.render(seed).as(Long.class).ifPresent(config::seed);
    runContext.render(device).as(String.class).ifPresent(config::device);
    config.shard(
        new Shard(
            Rendered.required(runContext, shardIndex, Integer.class, "shardIndex"),
            Rendered.required(runContext, shardCount, Integer.class, "shardCount")));
    EvaluateJob.Config settings = config.build();
    TaskFamilies families = TaskFamilies.builtIn();
    ProblemJsonl jsonl = new ProblemJsonl(families);
    var s3 = s3Settings(runContext);
    String problemsUri = runContext.render(problems).as(String.class).orElseThrow();
    List<Problem> heldOut =
        ProblemFiles.read(runContext, jsonl, problemsUri, "problems", s3).problems();
    Map<String, List<Problem>> ood = new LinkedHashMap<>();
    for (var e :
        runContext.render(outOfDistribution).asMap(String.class, String.class).entrySet()) {
      String property = "outOfDistribution." + e.getKey();
      ood.put(
          e.getKey(), ProblemFiles.read(runContext, jsonl, e.getValue(), property, s3).problems());
    }
    EvaluationCounts counts =
        EvaluateJob.counts(settings, heldOut, ood, families, m -> runContext.logger().info(m));
    Path countsFile = runContext.workingDir().createTempFile(".json");
    counts.write(countsFile);
    URI countsUri = runContext.storage().putFile(countsFile.toFile(), "evaluation-counts.json");
    if (settings.shard().count() > 1) {
      runContext
          .logger()
          .info(
              "shard {} of {}: per-problem counts stored at {}; MergeEvaluations makes the report",
              settings.shard().index(),
              settings.shard().count(),
              countsUri);
      return Output.builder().counts(countsUri).build();
    }
    return publish(runContext, EvaluateJob.report(counts), countsUri);
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(
        title = "The evaluation report (JSON, schemas/evaluation-report.schema.json).",
        description = "Null for a shard: MergeEvaluations makes the report of all shards.")
    private final URI report;

    @Schema(
        title = "Per-problem counts (n, c, reward and length sums) of what was sampled.",
        description = "A shard's counts are what MergeEvaluations merges.")
    private final URI counts;

    @Schema(title = "The report under outputRoot, when one was given.")
    private final String reportUri;

    @Schema(title = "The run's boundary history (with checkpointRoot and runId), else null.")
    private final String history;

    @Schema(title = "The k of each pass@k reported.")
    private final List<Integer> ks;

    @Schema(title = "policy -> k -> mean pass@k over the held-out problems.")
    private final Map<String, Map<String, Double>> passAtK;

    @Schema(title = "policy -> family -> k -> mean pass@k on the held-out problems.")
    private final Map<String, Map<String, Map<String, Double>>> perFamily;

    @Schema(title = "policy -> set -> k -> mean pass@k; sets: each family, each OOD set.")
    private final Map<String, Map<String, Map<String, Double>>> perSet;

    @Schema(title = "policy -> set -> mean verifier reward over the set's completions.")
    private final Map<String, Map<String, Double>> meanReward;

    @Schema(title = "Held-out problems evaluated (OOD sets not counted).")
    private final int problems;
  }
}
