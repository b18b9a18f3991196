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
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
    title = "The report of a sharded evaluation: merges the shards' per-problem counts exactly.",
    description =
        "Takes the counts every Evaluate shard (shardIndex of shardCount) stored, checks that they"
            + " come from one evaluation and cover every problem once, concatenates them in set"
            + " and problem order and computes the report from them with the same code an"
            + " unsharded Evaluate uses: pass@k is the mean of per-problem estimates, never a mean"
            + " of shard means, so the report equals the unsharded one to the last digit. The"
            + " report, boundary history, MLflow logging and outputs are those of Evaluate.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Two shards on two workers at once, then the report.",
          code =
              """
              id: prorl-eval-sharded-example
              namespace: prorl.examples
              inputs:
                - id: policy
                  type: STRING
                - id: problems
                  type: STRING
              tasks:
                - id: shards
                  type: io.kestra.plugin.core.flow.Loop
                  values: [0, 1]
                  concurrencyLimit: 2
                  outputs:
                    - id: counts
                      type: STRING
                      value: "{{ outputs.evaluate.counts }}"
                  tasks:
                    - id: evaluate
                      type: io.kestra.plugin.prorl.Evaluate
                      policies:
                        policy: "{{ inputs.policy }}"
                      problems: "{{ inputs.problems }}"
                      shardIndex: "{{ item.value }}"
                      shardCount: 2
                - id: report
                  type: io.kestra.plugin.prorl.MergeEvaluations
                  counts: "{{ loopOutputs(outputs.shards.outputs, 'counts') }}"
              """)
    },
    metrics = {
      @Metric(name = "pass_at_k", type = Gauge.TYPE, description = "tags: policy, set, k"),
      @Metric(name = "mean_reward", type = Gauge.TYPE, description = "tags: policy, set")
    })
public class MergeEvaluations extends PublishedEvaluation
    implements RunnableTask<Evaluate.Output>, StaticallyChecked {

  @Schema(
      title = "The counts output of every shard (internal storage URIs), in any order.",
      description = "A list, or an expression rendering to one (e.g. loopOutputs of a Loop).")
  @NotNull
  private Property<List<String>> counts;

  @Override
  public List<String> staticViolations() {
    return historyHalfGiven() ? List.of(HISTORY_NEEDS_BOTH) : List.of();
  }

  @Override
  public Evaluate.Output run(RunContext runContext) throws Exception {
    List<String> uris = runContext.render(counts).asList(String.class);
    List<EvaluationCounts> shards = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      Path file = runContext.workingDir().createTempFile(".json");
      try (InputStream in = runContext.storage().getFile(URI.create(uris.get(i)))) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      } catch (Exception e) {
        throw new IllegalArgumentException("counts[" + i + "]: cannot read " + uris.get(i), e);
      }
      shards.add(EvaluationCounts.read(file));
    }
    EvaluationCounts whole = EvaluationCounts.merge(shards);
    runContext
        .logger()
        .info(
            "merged {} shards: {} problems per policy",
            shards.size(),
            whole.policies().isEmpty() ? 0 : whole.policies().get(0).problems().size());
    Path merged = runContext.workingDir().createTempFile(".json");
    whole.write(merged);
    URI mergedUri = runContext.storage().putFile(merged.toFile(), "evaluation-counts.json");
    return publish(runContext, EvaluateJob.report(whole), mergedUri);
  }
}
