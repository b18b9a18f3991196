package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Metric;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.executions.metrics.Counter;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.dataset.DatasetAssembler;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.nio.file.Files;
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
import org.slf4j.Logger;

@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
@ValidProrlTask
@Schema(
    title = "Assemble a ProRL dataset from generated task families and JSONL files.",
    description =
        "Every record is validated against schemas/problem.schema.json (a bad line fails the task"
            + " naming file, line and field), duplicates (same normalized prompt) and anything"
            + " that appears in an evaluation set are removed, then a seeded shuffle and a"
            + " train/validation split. Outputs the two JSONL files and a manifest.")
@Plugin(
    examples = {
      @Example(
          full = true,
          title = "Two generated families, 10% held out for validation.",
          code =
              """
              id: prorl-dataset
              namespace: prorl.examples
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  generate:
                    - family: graph_color
                      count: 200
                      seed: 1
                      difficulty: {vertices: 4, edgeProbability: 0.5, colors: 3}
                    - family: countdown
                      count: 200
                      seed: 2
                  validationFraction: 0.1
                  seed: 7
              """)
    },
    metrics = {
      @Metric(name = "train.problems", type = Counter.TYPE),
      @Metric(name = "validation.problems", type = Counter.TYPE),
      @Metric(name = "duplicates.removed", type = Counter.TYPE),
      @Metric(name = "evaluation.overlap.removed", type = Counter.TYPE)
    })
public class AssembleDataset extends S3ConnectedTask
    implements RunnableTask<AssembleDataset.Output>, StaticallyChecked {

  @Schema(
      title = "Generated problems: a list of {family, count, seed, difficulty}.",
      description =
          "family: one of the built-in task families; count: how many; seed: the generator seed"
              + " (default 0); difficulty: the family's knobs (see docs/TASKS.md).")
  private Property<List<Map<String, Object>>> generate;

  @Schema(title = "Problem JSONL files: kestra://, file://, http(s):// or s3:// URIs.")
  private Property<List<String>> sources;

  @Schema(
      title = "Evaluation sets (problem JSONL URIs) whose prompts must not appear in the dataset.")
  private Property<List<String>> evaluationSets;

  @Schema(title = "Share of the problems held out for validation, in [0, 1).")
  @Builder.Default
  private Property<Double> validationFraction = Property.ofValue(0.1);

  @Schema(
      title = "Also store the dataset under this folder URI (s3://bucket/prefix/ or file:///dir/).",
      description =
          "train.jsonl, validation.jsonl and dataset-manifest.json are written there besides"
              + " Kestra's internal storage; the outputs trainUri, validationUri and manifestUri"
              + " name them, for other tools and later flows.")
  private Property<String> outputRoot;

  @Schema(title = "Seed of the shuffle.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(42L);

  @Override
  public List<String> staticViolations() {
    List<String> out = new ArrayList<>();
    StaticValues.number(validationFraction)
        .filter(v -> !(v >= 0 && v < 1))
        .ifPresent(v -> out.add("validationFraction must lie in [0, 1), got " + v));
    TaskFamilies families = TaskFamilies.builtIn();
    StaticValues.text(generate)
        .flatMap(GeneratedSets::parse)
        .ifPresent(sets -> out.addAll(GeneratedSets.violations(sets, families)));
    if (generate == null && sources == null) {
      out.add("generate or sources: give at least one source of problems");
    }
    return out;
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    Logger log = runContext.logger();
    TaskFamilies families = TaskFamilies.builtIn();
    ProblemJsonl jsonl = new ProblemJsonl(families);
    List<Problem> problems = new ArrayList<>();
    List<Map<String, Object>> sets =
        runContext.render(generate).asList(Map.class).stream().map(GeneratedSets::cast).toList();
    List<String> bad = GeneratedSets.violations(sets, families);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
    for (Map<String, Object> set : sets) {
      GeneratedSets.Set s = GeneratedSets.of(set);
      problems.addAll(families.generate(s.family(), s.difficulty(), s.seed(), s.count()));
      log.info(
          "generated {} {} problems (seed {}, difficulty {})",
          s.count(),
          s.family(),
          s.seed(),
          s.difficulty());
    }
    List<String> sourceUris = runContext.render(sources).asList(String.class);
    for (String uri : sourceUris) {
      List<Problem> read =
          ProblemFiles.read(runContext, jsonl, uri, "sources", s3Settings(runContext)).problems();
      problems.addAll(read);
      log.info("read {} problems from {}", read.size(), uri);
    }
    List<Problem> evaluation = new ArrayList<>();
    for (String uri : runContext.render(evaluationSets).asList(String.class)) {
      evaluation.addAll(
          ProblemFiles.read(runContext, jsonl, uri, "evaluationSets", s3Settings(runContext))
              .problems());
    }
    double fraction = runContext.render(validationFraction).as(Double.class).orElse(0.1);
    long shuffleSeed = runContext.render(seed).as(Long.class).orElse(42L);
    DatasetAssembler.Assembled a =
        DatasetAssembler.assemble(
            problems, evaluation, new DatasetAssembler.Config(fraction, shuffleSeed));
    if (a.train().isEmpty()) {
      throw new IllegalArgumentException(
          "the training set is empty after dedupe and evaluation-overlap removal ("
              + a.input()
              + " problems in)");
    }
    Path trainFile = runContext.workingDir().createTempFile(".jsonl");
    ProblemJsonl.write(a.train(), trainFile);
    Path validationFile = runContext.workingDir().createTempFile(".jsonl");
    ProblemJsonl.write(a.validation(), validationFile);
    String trainSha = Checkpointer.sha256(trainFile);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", "prorl-dataset/1");
    manifest.put("train", Map.of("sha256", trainSha, "count", a.train().size()));
    manifest.put(
        "validation",
        Map.of("sha256", Checkpointer.sha256(validationFile), "count", a.validation().size()));
    manifest.put("input", a.input());
    manifest.put("duplicatesRemoved", a.duplicatesRemoved());
    manifest.put("evaluationOverlapRemoved", a.evaluationOverlapRemoved());
    manifest.put("trainPerFamily", a.trainPerFamily());
    manifest.put("validationPerFamily", a.validationPerFamily());
    manifest.put("seed", shuffleSeed);
    manifest.put("validationFraction", fraction);
    manifest.put("generate", sets);
    manifest.put("sources", sourceUris);
    Path manifestFile = runContext.workingDir().createTempFile(".json");
    Files.writeString(
        manifestFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));

    runContext.metric(Counter.of("train.problems", a.train().size()));
    runContext.metric(Counter.of("validation.problems", a.validation().size()));
    runContext.metric(Counter.of("duplicates.removed", a.duplicatesRemoved()));
    runContext.metric(Counter.of("evaluation.overlap.removed", a.evaluationOverlapRemoved()));
    log.info(
        "dataset: {} train {}, {} validation {}; {} duplicates and {} evaluation overlaps removed;"
            + " train sha256 {}",
        a.train().size(),
        a.trainPerFamily(),
        a.validation().size(),
        a.validationPerFamily(),
        a.duplicatesRemoved(),
        a.evaluationOverlapRemoved(),
        trainSha);
    Map<String, String> stored = new LinkedHashMap<>();
    String root = runContext.render(outputRoot).as(String.class).orElse("");
    if (!root.isBlank()) {
      try (CheckpointStore store = openStore(runContext, root)) {
        for (Map.Entry<String, Path> f :
            Map.of(
                    "train.jsonl", trainFile,
                    "validation.jsonl", validationFile,
                    "dataset-manifest.json", manifestFile)
                .entrySet()) {
          store.put(f.getKey(), f.getValue());
          stored.put(f.getKey(), store.uri(f.getKey()).toString());
        }
        log.info("dataset stored under {}", store.uri(""));
      }
    }
    return Output.builder()
        .trainUri(stored.get("train.jsonl"))
        .validationUri(stored.get("validation.jsonl"))
        .manifestUri(stored.get("dataset-manifest.json"))
        .train(runContext.storage().putFile(trainFile.toFile(), "train.jsonl"))
        .validation(runContext.storage().putFile(validationFile.toFile(), "validation.jsonl"))
        .manifest(runContext.storage().putFile(manifestFile.toFile(), "dataset-manifest.json"))
        .sha256(trainSha)
        .trainCount(a.train().size())
        .validationCount(a.validation().size())
        .trainPerFamily(a.trainPerFamily())
        .duplicatesRemoved(a.duplicatesRemoved())
        .evaluationOverlapRemoved(a.evaluationOverlapRemoved())
        .build();
  }

  @Builder
  @Getter
  public static class Output implements io.kestra.core.models.tasks.Output {
    @Schema(title = "Training problems (JSONL, internal storage).")
    private final URI train;

    @Schema(title = "Validation problems (JSONL, internal storage).")
    private final URI validation;

    @Schema(title = "Dataset manifest (JSON): sha256, counts per family, what was removed.")
    private final URI manifest;

    @Schema(title = "The training file under outputRoot, when one was given.")
    private final String trainUri;

    @Schema(title = "The validation file under outputRoot, when one was given.")
    private final String validationUri;

    @Schema(title = "The manifest under outputRoot, when one was given.")
    private final String manifestUri;

    @Schema(title = "sha256 of the training file: the dataset's identity in checkpoint lineage.")
    private final String sha256;

    @Schema(title = "Number of training problems.")
    private final int trainCount;

    @Schema(title = "Number of validation problems.")
    private final int validationCount;

    @Schema(title = "Training problems per family.")
    private final Map<String, Integer> trainPerFamily;

    @Schema(title = "Problems dropped as duplicates of an earlier prompt.")
    private final int duplicatesRemoved;

    @Schema(title = "Problems dropped because an evaluation set holds the same prompt.")
    private final int evaluationOverlapRemoved;
  }
}
