package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.eval.CompletionScoring;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
@Schema(
    title = "Score completions produced elsewhere (e.g. by a serving engine).",
    description =
        "Input JSONL: each line {\"problem\": <problem record>, \"completion\": \"...\"},"
            + " several lines per problem allowed. Output: each line plus its reward, and"
            + " unbiased pass@k over problems, overall and per family.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Score a file of completions.",
          code =
              """
              id: prorl-score-example
              namespace: prorl.examples
              inputs:
                - id: completions
                  type: FILE
              tasks:
                - id: score
                  type: io.kestra.plugin.prorl.Score
                  from: "{{ inputs.completions }}"
                  ks: [1, 2]
              """)
    })
public class Score extends S3ConnectedTask implements RunnableTask<Score.Output> {

  @Schema(title = "Completions JSONL URI (kestra://, file://, http(s)://).")
  @NotNull
  private Property<String> from;

  @Schema(title = "The k of each pass@k; every problem needs at least max(k) completions.")
  @Builder.Default
  private Property<List<Integer>> ks = Property.ofValue(List.of(1));

  @Override
  public Output run(RunContext runContext) throws Exception {
    String uri = runContext.render(from).as(String.class).orElseThrow();
    Path in = InputFiles.fetch(runContext, uri, "from", s3Settings(runContext));
    Path out = runContext.workingDir().createTempFile(".jsonl");
    CompletionScoring.Summary s;
    try (InputStream reader = Files.newInputStream(in);
        BufferedWriter writer = Files.newBufferedWriter(out)) {
      s =
          new CompletionScoring(TaskFamilies.builtIn())
              .score(reader, uri, runContext.render(ks).asList(Integer.class), writer);
    }
    runContext
        .logger()
        .info(
            "scored {} completions of {} problems: mean reward {}, pass@k {}",
            s.lines(),
            s.problems(),
            s.meanReward(),
            s.passAtK());
    Map<String, Map<String, Double>> perFamily = new LinkedHashMap<>();
    s.perFamily().forEach((f, m) -> perFamily.put(f, EvaluationOutputs.byK(m)));
    return Output.builder()
        .uri(runContext.storage().putFile(out.toFile(), "scored.jsonl"))
        .passAtK(EvaluationOutputs.byK(s.passAtK()))
        .perFamily(perFamily)
        .lines(s.lines())
        .meanReward(Numbers.orNull(s.meanReward()))
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "Each input line plus its reward (JSONL).")
    private final URI uri;

    @Schema(title = "k -> mean pass@k over problems.")
    private final Map<String, Double> passAtK;

    @Schema(title = "family -> k -> mean pass@k.")
    private final Map<String, Map<String, Double>> perFamily;

    @Schema(title = "Completions scored.")
    private final int lines;

    @Schema(title = "Mean reward over completions.")
    private final Double meanReward;
  }
}
