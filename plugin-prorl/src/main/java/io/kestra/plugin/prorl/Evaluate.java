package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.engine.tracking.EvaluationTracking;
import io.prorl.engine.tracking.Tracker;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
    title = "Unbiased pass@k of checkpoints on a problem set, per task family.",
    description =
        "Samples n completions per problem from each policy, scores them with the task verifiers"
            + " and reports pass@k = 1 - C(n-c,k)/C(n,k) averaged over problems, overall and per"
            + " family. The report (JSON, schemas/evaluation-report.schema.json) lists the"
            + " policies in the given order, so the base policy can sit beside the trained ones."
            + " With mlflowUri set, pass@k goes to the MLflow run of the flow execution as metrics"
            + " eval.<policy>.pass_at_<k> (and per family), the report as an artifact.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Compare a base and a trained checkpoint.",
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
              tasks:
                - id: evaluate
                  type: io.kestra.plugin.prorl.Evaluate
                  policies:
                    base: "{{ inputs.base }}"
                    trained: "{{ inputs.trained }}"
                  problems: "{{ inputs.problems }}"
                  samples: 8
                  ks: [1, 4, 8]
              """)
    })
public class Evaluate extends TrackedTask
    implements RunnableTask<Evaluate.Output>, StaticallyChecked {

  @Schema(title = "Policies to evaluate: name -> HF directory (file://, s3:// or a path).")
  @NotNull
  private Property<Map<String, String>> policies;

  @Schema(title = "Evaluation problems (JSONL URI).")
  @NotNull
  private Property<String> problems;

  @Schema(title = "Evaluate only the first N problems (0 = all).")
  @Builder.Default
  private Property<Integer> maxProblems = Property.ofValue(0);

  @Schema(title = "Completions sampled per problem, n.")
  @Builder.Default
  private Property<Integer> samples = Property.ofValue(8);

  @Schema(title = "The k of each pass@k, each at most samples.")
  @Builder.Default
  private Property<List<Integer>> ks = Property.ofValue(List.of(1, 4, 8));

  @Schema(title = "Sampling temperature (ProRL evaluates at 0.6).")
  @Builder.Default
  private Property<Double> temperature = Property.ofValue(0.6);

  @Schema(title = "Nucleus sampling.")
  @Builder.Default
  private Property<Double> topP = Property.ofValue(0.95);

  @Schema(title = "Response length limit in tokens.")
  @Builder.Default
  private Property<Integer> maxNewTokens = Property.ofValue(64);

  @Schema(title = "Sampling seed; every policy sees the same seeds.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(1L);

  @Schema(title = "cpu, gpu or auto.")
  @Builder.Default
  private Property<String> device = Property.ofValue("cpu");

  @Schema(
      title = "Also store the report under this folder URI (s3://bucket/prefix/ or file:///dir/).",
      description = "Written as evaluation-report.json; the output reportUri names it.")
  private Property<String> outputRoot;

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    StaticValues.atLeast(out, "samples", samples, 1);
    StaticValues.atLeast(out, "temperature", temperature, 0);
    StaticValues.atLeast(out, "maxNewTokens", maxNewTokens, 1);
    return out;
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    String problemsUri = runContext.render(problems).as(String.class).orElseThrow();
    List<Problem> set =
        ProblemFiles.firstOf(
            runContext,
            new ProblemJsonl(families),
            problems,
            "problems",
            maxProblems,
            0,
            s3Settings(runContext));
    Map<String, String> named = runContext.render(policies).asMap(String.class, String.class);
    EvaluateJob.Config config =
        new EvaluateJob.Config(
            named,
            runContext.render(samples).as(Integer.class).orElse(8),
            runContext.render(ks).asList(Integer.class),
            runContext.render(temperature).as(Double.class).orElse(0.6),
            runContext.render(topP).as(Double.class).orElse(0.95),
            runContext.render(maxNewTokens).as(Integer.class).orElse(64),
            runContext.render(seed).as(Long.class).orElse(1L),
            runContext.render(device).as(String.class).orElse("cpu"),
            s3Settings(runContext));
    runContext
        .logger()
        .info(
            "evaluating {} policies on {} problems from {}, {} samples each",
            named.size(),
            set.size(),
            problemsUri,
            config.samples());
    EvaluateJob.Report report =
        EvaluateJob.run(config, set, families, msg -> runContext.logger().info(msg));
    Path reportFile = runContext.workingDir().createTempFile(".json");
    Files.writeString(
        reportFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    String reportUri = null;
    String root = runContext.render(outputRoot).as(String.class).orElse("");
    if (!root.isBlank()) {
      try (CheckpointStore store = openStore(runContext, root)) {
        store.put("evaluation-report.json", reportFile);
        reportUri = store.uri("evaluation-report.json").toString();
      }
      runContext.logger().info("report stored at {}", reportUri);
    }
    Optional<Tracker> tracker = openTracker(runContext);
    if (tracker.isPresent()) {
      try (Tracker t = tracker.get()) {
        EvaluationTracking.log(t, executionRun(runContext, t.settings()), report, reportFile);
      }
    }
    Map<String, Map<String, Double>> passAtK = new LinkedHashMap<>();
    Map<String, Map<String, Map<String, Double>>> perFamily = new LinkedHashMap<>();
    for (EvaluateJob.PolicyReport p : report.policies()) {
      passAtK.put(p.name(), byK(p.passAtK()));
      Map<String, Map<String, Double>> families1 = new LinkedHashMap<>();
      p.perFamily().forEach((f, m) -> families1.put(f, byK(m)));
      perFamily.put(p.name(), families1);
    }
    return Output.builder()
        .report(runContext.storage().putFile(reportFile.toFile(), "evaluation-report.json"))
        .reportUri(reportUri)
        .passAtK(passAtK)
        .perFamily(perFamily)
        .problems(set.size())
        .build();
  }

  static Map<String, Double> byK(Map<Integer, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(Integer.toString(k), Numbers.orNull(v)));
    return out;
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "The evaluation report (JSON, schemas/evaluation-report.schema.json).")
    private final URI report;

    @Schema(title = "The report under outputRoot, when one was given.")
    private final String reportUri;

    @Schema(title = "policy -> k -> mean pass@k over problems.")
    private final Map<String, Map<String, Double>> passAtK;

    @Schema(title = "policy -> family -> k -> mean pass@k.")
    private final Map<String, Map<String, Map<String, Double>>> perFamily;

    @Schema(title = "Problems evaluated.")
    private final int problems;
  }
}
