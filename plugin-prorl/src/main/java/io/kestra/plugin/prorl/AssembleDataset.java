package io.kestra.plugin.prorl;

import io.kestra.core.models.annotations.Example;
import io.kestra.core.models.annotations.Metric;
import io.kestra.core.models.annotations.Plugin;
import io.kestra.core.models.executions.metrics.Counter;
import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.RunnableTask;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.rl.Rules;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.dataset.DatasetAssembler;
import io.prorl.tasks.dataset.Decontamination;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
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
    title = "Assemble a ProRL dataset from generated task families and JSONL files.",
    description =
        "Every record is validated against schemas/problem.schema.json (a bad line fails the task"
            + " naming file, line and field). Each generated set holds `count` distinct prompts"
            + " (or says in a warning and the manifest why not). Removed: anything matching an"
            + " evaluation or out-of-distribution problem (exact normalized prompt, or an n-gram"
            + " near-copy of its problem-specific text) and duplicates; with a difficultyFilter"
            + " policy, problems it always or never solves; then the weighted mix, a seeded"
            + " shuffle and a train/validation split. Outputs the two JSONL files, one"
            + " JSONL file per out-of-distribution set and a manifest with counts per family and"
            + " difficulty (see docs/TASKS.md).")
@Plugin(
    examples = {
      @Example(
          full = true,
          title =
              "Two families mixed 70/30, graph sizes 5 to 7 as a curriculum, boxnet and larger"
                  + " graphs held out as out-of-distribution sets.",
          code =
              """
              id: prorl-dataset
              namespace: prorl.examples
              tasks:
                - id: dataset
                  type: io.kestra.plugin.prorl.AssembleDataset
                  generate:
                    - family: graph_color
                      count: 700
                      seed: 1
                      weight: 0.7
                      difficulty: {vertices: {min: 5, max: 7}, edgeProbability: 0.4, colors: 3}
                    - family: countdown
                      count: 300
                      seed: 2
                      weight: 0.3
                      difficulty: {numbers: [3, 4]}
                  outOfDistribution:
                    - {name: boxnet, family: boxnet, count: 50, seed: 3}
                    - {name: graph_color_9v, family: graph_color, count: 50, seed: 4,
                       difficulty: {vertices: 9}}
                  validationFraction: 0.1
                  seed: 7
              """)
    },
    metrics = {
      @Metric(name = "train.problems", type = Counter.TYPE),
      @Metric(name = "validation.problems", type = Counter.TYPE),
      @Metric(name = "duplicates.removed", type = Counter.TYPE),
      @Metric(name = "evaluation.overlap.removed", type = Counter.TYPE),
      @Metric(name = "ngram.overlap.removed", type = Counter.TYPE),
      @Metric(name = "difficulty.too_easy.removed", type = Counter.TYPE),
      @Metric(name = "difficulty.too_hard.removed", type = Counter.TYPE)
    })
public class AssembleDataset extends S3ConnectedTask
    implements RunnableTask<AssembleDataset.Output>, StaticallyChecked {

  @Schema(
      title = "Generated problems: a list of {family, count, seed, difficulty, weight}.",
      description =
          "family: one of the built-in task families; count: how many distinct problems (by"
              + " normalized prompt) to generate, at most 20 x count indices are tried before the"
              + " set is reported short; seed: the generator seed (default 0); difficulty: the"
              + " family's knobs (docs/TASKS.md), each a value, a list ([4, 5, 6]: each problem"
              + " draws one) or an integer range ({min: 4, max: 6}); weight: the set's share of"
              + " the mix. Weights (on every generate and sources entry, or on none) are"
              + " normalised to shares s_i; the mix is the largest set every pool fills at its"
              + " share after cleaning, N = floor(min_i available_i / s_i), pool i giving"
              + " round(s_i N) problems. So count says how many candidates there are and weight"
              + " what share of the final set they get. Without weights every problem is kept.")
  private Property<List<Object>> generate;

  @Schema(
      title = "Problem JSONL files: URIs, or {uri, weight} to give a file a share of the mix.",
      description = "kestra://, file://, http(s):// or s3:// URIs; weight as for generate.")
  private Property<List<Object>> sources;

  @Schema(
      title = "Evaluation sets (problem JSONL URIs) whose problems must not appear in the dataset.")
  private Property<List<String>> evaluationSets;

  @Schema(
      title = "Out-of-distribution sets: a list of {name, family, count, seed, difficulty}.",
      description =
          "Each set is generated (distinct prompts, as for generate), written to internal storage"
              + " as <name>.jsonl (output ood: name -> URI) and counts as an evaluation set for"
              + " decontamination. A name is unique and is not a trained family's name.")
  private Property<List<Object>> outOfDistribution;

  @Schema(
      title = "n of the word n-grams compared for near-copies of evaluation problems.",
      description =
          "Over problem-specific text only: n-grams in more than 10% of a family's"
              + " prompts are template and ignored (docs/TASKS.md).")
  @Builder.Default
  private Property<Integer> ngramSize = Property.ofValue(Decontamination.DEFAULT_NGRAM_SIZE);

  @Schema(
      title =
          "Share of a problem's specific n-grams found in one evaluation problem above which"
              + " it is removed as a near-copy; 1 turns n-gram decontamination off.")
  @Builder.Default
  private Property<Double> ngramOverlap = Property.ofValue(Decontamination.DEFAULT_NGRAM_OVERLAP);

  @Schema(
      title =
          "Difficulty filter: {policy, samples, temperature, topP, maxNewTokens, seed, minPassRate,"
              + " maxPassRate, device}; off without a policy.",
      description =
          "The policy (file://, s3:// or a path) samples `samples` responses per training problem"
              + " after cleaning, before the mix; a problem stays when its pass rate lies in"
              + " [minPassRate, maxPassRate] (default band: solved sometimes, failed sometimes, as"
              + " ProRL kept them). Defaults: DifficultyFilterJob.DifficultyFilter, docs/TASKS.md."
              + " With shardIndex/shardCount the task samples that shard of the problems only and"
              + " outputs difficultyCounts, no dataset (docs/SCALING.md).")
  private Property<Map<String, Object>> difficultyFilter;

  @Schema(
      title = "The difficultyCounts output of every shard of the difficulty filter, in any order.",
      description =
          "With the shards' difficultyFilter (less the shard fields) and problems, the band is"
              + " applied to the merged counts: exactly what an unsharded filter keeps.")
  private Property<List<String>> difficultyCounts;

  @Schema(title = "Share of the problems held out for validation, in [0, 1).")
  @Builder.Default
  private Property<Double> validationFraction =
      Property.ofValue(DatasetAssembler.DEFAULT_VALIDATION_FRACTION);

  @Schema(
      title = "Also store the dataset under this folder URI (s3://bucket/prefix/ or file:///dir/).",
      description =
          "train.jsonl, validation.jsonl and dataset-manifest.json are written there besides"
              + " Kestra's internal storage; the outputs trainUri, validationUri and manifestUri"
              + " name them, for other tools and later flows.")
  private Property<String> outputRoot;

  @Schema(title = "Seed of the shuffle and of the mix's draws.")
  @Builder.Default
  private Property<Long> seed = Property.ofValue(42L);

  @Override
  public List<String> staticViolations() {
    return DatasetEntries.staticViolations(this);
  }

  @Override
  public Output run(RunContext runContext) throws Exception {
    List<Object> gen = runContext.render(generate).asList(Object.class);
    List<Object> src = runContext.render(sources).asList(Object.class);
    List<Object> ood = runContext.render(outOfDistribution).asList(Object.class);
    Rules.check(DatasetEntries.violations(gen, src, ood));
    DatasetAssembler.Config config =
        new DatasetAssembler.Config(
            Rendered.required(runContext, validationFraction, Double.class, "validationFraction"),
            runContext.render(seed).as(Long.class).orElseThrow(),
            new Decontamination(
                runContext.render(ngramSize).as(Integer.class).orElseThrow(),
                runContext.render(ngramOverlap).as(Double.class).orElseThrow()));
    TaskFamilies families = TaskFamilies.builtIn();
    DatasetPools inputs = new DatasetPools(runContext, families, s3Settings(runContext));
    inputs.generate(gen.stream().map(g -> GeneratedSets.of(GeneratedSets.cast(g))).toList());
    inputs.read(SourceEntries.of(src));
    Rules.check(OutOfDistributionSets.violations(ood, inputs.trainedFamilies()));
    inputs.outOfDistribution(OutOfDistributionSets.of(ood));
    inputs.evaluationSets(runContext.render(evaluationSets).asList(String.class));
    DifficultyFilterStage.Filtered filtered =
        DifficultyFilterStage.apply(
            runContext,
            runContext.render(difficultyFilter).asMap(String.class, Object.class),
            runContext.render(difficultyCounts).asList(String.class),
            DatasetAssembler.clean(inputs.pools, inputs.evaluation, config.decontamination()),
            families,
            s3Settings(runContext));
    if (filtered.shardOnly()) {
      return DatasetOutputs.countsOnly(runContext, filtered.passRates());
    }
    DatasetAssembler.Assembled a = DatasetAssembler.mixAndSplit(filtered.cleaned(), config);
    return DatasetOutputs.write(
        runContext, this, a, config, inputs, filtered, Map.of("generate", gen, "sources", src));
  }

  String renderedOutputRoot(RunContext runContext) throws Exception {
    return runContext.render(outputRoot).as(String.class).orElse("");
  }

  CheckpointStore store(RunContext runContext, String root) throws Exception {
    return openStore(runContext, root);
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

    @Schema(title = "Validation problems per family.")
    private final Map<String, Integer> validationPerFamily;

    @Schema(
        title =
            "Training problems per family and difficulty, e.g. graph_color -> {vertices=5: 120}.",
        description =
            "A difficulty is named by the knobs that vary within the family; when none vary, by"
                + " all of its knobs.")
    private final Map<String, Map<String, Integer>> trainPerDifficulty;

    @Schema(title = "Validation problems per family and difficulty.")
    private final Map<String, Map<String, Integer>> validationPerDifficulty;

    @Schema(title = "Problems removed per family and why: duplicates, exactOverlap, ngramOverlap.")
    private final Map<String, Map<String, Integer>> removedPerFamily;

    @Schema(title = "Problems removed as n-gram near-copies of an evaluation problem.")
    private final int ngramOverlapRemoved;

    @Schema(title = "Difficulty filter per family: {kept, tooEasy, tooHard}; empty when off.")
    private final Map<String, Map<String, Integer>> difficultyFiltered;

    @Schema(
        title =
            "The difficulty filter's per-problem counts (schemas/pass-rate-counts.schema.json).",
        description = "Null when the filter is off; a shard's task outputs only this.")
    private final URI difficultyCounts;

    @Schema(title = "Generated sets that could not reach their count of distinct problems.")
    private final List<String> shortfalls;

    @Schema(title = "Out-of-distribution sets: name -> problem JSONL (internal storage).")
    private final Map<String, URI> ood;

    @Schema(title = "Problems dropped as duplicates of an earlier prompt.")
    private final int duplicatesRemoved;

    @Schema(
        title = "Problems dropped because an evaluation set holds the same prompt or a near-copy.")
    private final int evaluationOverlapRemoved;
  }
}
