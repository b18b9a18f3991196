package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Metric;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.executions.metrics.Gauge;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.engine.tracking.EvaluationTracking;
import io.prorl.engine.tracking.Tracker;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
public class Evaluate extends TrackedTask
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
      title = "Also store the report under this folder URI (s3://bucket/prefix/ or file:///dir/).",
      description = "Written as evaluation-report.json; the output reportUri names it.")
  private Property<String> outputRoot;

  @Schema(
      title = "The run's checkpoint root (file:// or s3://): keeps the run's boundary history.",
      description =
          "With runId: every evaluated policy's results are merged into"
              + " <checkpointRoot>/<runId>/boundary-history.json; the output history names it.")
  private Property<String> checkpointRoot;

  @Schema(title = "The training run whose boundary history the results join (with checkpointRoot).")
  private Property<String> runId;

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
    if ((checkpointRoot == null) != (runId == null)) {
      out.add(HISTORY_NEEDS_BOTH);
    }
    return out;
  }

  static final String HISTORY_NEEDS_BOTH =
      "checkpointRoot and runId: give both to keep the run's boundary history, or neither";

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
    EvaluateJob.Report report =
        EvaluateJob.run(settings, heldOut, ood, families, m -> runContext.logger().info(m));

    Path reportFile = runContext.workingDir().createTempFile(".json");
    EvaluateJob.write(report, reportFile);
    String reportUri = null;
    String root = runContext.render(outputRoot).as(String.class).orElse("");
    if (!root.isBlank()) {
      try (CheckpointStore store = openStore(runContext, root)) {
        store.put("evaluation-report.json", reportFile);
        reportUri = store.uri("evaluation-report.json").toString();
      }
      runContext.logger().info("report stored at {}", reportUri);
    }
    Path historyFile = null;
    String historyUri = null;
    Optional<String> ckptRoot = nonBlank(runContext.render(checkpointRoot).as(String.class));
    Optional<String> run = nonBlank(runContext.render(runId).as(String.class));
    if (ckptRoot.isPresent() != run.isPresent()) {
      throw new IllegalArgumentException(HISTORY_NEEDS_BOTH);
    }
    if (ckptRoot.isPresent()) {
      historyFile = runContext.workingDir().createTempFile(".json");
      try (CheckpointStore store = openStore(runContext, ckptRoot.get())) {
        historyUri =
            BoundaryHistory.record(store, run.get(), report, Instant.now(), historyFile).toString();
      }
      runContext.logger().info("boundary history at {}", historyUri);
    }
    Optional<Tracker> tracker = openTracker(runContext);
    if (tracker.isPresent()) {
      try (Tracker t = tracker.get()) {
        var mlflowRun = executionRun(runContext, t.settings());
        EvaluationTracking.log(t, mlflowRun, report, reportFile, historyFile);
      }
    }
    EvaluationOutputs.metrics(runContext, report);
    return EvaluationOutputs.of(
        runContext.storage().putFile(reportFile.toFile(), "evaluation-report.json"),
        reportUri,
        historyUri,
        report);
  }

  private static Optional<String> nonBlank(Optional<String> s) {
    return s.filter(v -> !v.isBlank());
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "The evaluation report (JSON, schemas/evaluation-report.schema.json).")
    private final URI report;

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
