package io.kestra.plugin.prorl;

import io.kestra.core.models.executions.metrics.Counter;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.job.PassRateCounts;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.dataset.DatasetAssembler;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Writes what {@link AssembleDataset} made: the two JSONL files and the manifest to internal
 * storage (and under {@code outputRoot}), its metrics and log line, and its typed outputs.
 */
final class DatasetOutputs {
  private DatasetOutputs() {}

  /** What a shard of the difficulty filter outputs: its counts, no dataset. */
  static AssembleDataset.Output countsOnly(RunContext runContext, PassRateCounts counts)
      throws Exception {
    URI uri = store(runContext, counts);
    runContext
        .logger()
        .info("{} of the difficulty filter: counts stored at {}", counts.shard(), uri);
    return AssembleDataset.Output.builder().difficultyCounts(uri).build();
  }

  private static URI store(RunContext runContext, PassRateCounts counts) throws Exception {
    Path file = runContext.workingDir().createTempFile(".json");
    counts.write(file);
    return runContext.storage().putFile(file.toFile(), "difficulty-counts.json");
  }

  static AssembleDataset.Output write(
      RunContext runContext,
      AssembleDataset task,
      DatasetAssembler.Assembled a,
      DatasetAssembler.Config config,
      DatasetPools inputs,
      DifficultyFilterStage.Filtered filtered,
      Map<String, Object> request)
      throws Exception {
    if (a.train().isEmpty()) {
      throw new IllegalArgumentException(
          "the training set is empty after cleaning and difficulty filtering ("
              + a.input()
              + " problems in)");
    }
    Logger log = runContext.logger();
    Path trainFile = runContext.workingDir().createTempFile(".jsonl");
    ProblemJsonl.write(a.train(), trainFile);
    Path validationFile = runContext.workingDir().createTempFile(".jsonl");
    ProblemJsonl.write(a.validation(), validationFile);
    String trainSha = Checkpointer.sha256(trainFile);
    Path manifestFile =
        DatasetManifest.write(
            runContext.workingDir().createTempFile(".json"),
            a,
            Map.of("train", trainSha, "validation", Checkpointer.sha256(validationFile)),
            config,
            inputs,
            filtered,
            request);
    int ngram = DatasetManifest.ngramRemoved(a);
    runContext.metric(Counter.of("train.problems", a.train().size()));
    runContext.metric(Counter.of("validation.problems", a.validation().size()));
    runContext.metric(Counter.of("duplicates.removed", a.duplicatesRemoved()));
    runContext.metric(Counter.of("evaluation.overlap.removed", a.evaluationOverlapRemoved()));
    runContext.metric(Counter.of("ngram.overlap.removed", ngram));
    if (filtered.filter() != null) {
      runContext.metric(Counter.of("difficulty.too_easy.removed", filtered.tooEasy()));
      runContext.metric(Counter.of("difficulty.too_hard.removed", filtered.tooHard()));
    }
    log.info(
        "dataset: {} train {} {}, {} validation {}; removed per family {}; train sha256 {}",
        a.train().size(),
        a.trainPerFamily(),
        a.trainPerDifficulty(),
        a.validation().size(),
        a.validationPerFamily(),
        DatasetManifest.removed(a),
        trainSha);
    Map<String, String> stored = new LinkedHashMap<>();
    String root = task.renderedOutputRoot(runContext);
    if (!root.isBlank()) {
      try (CheckpointStore store = task.store(runContext, root)) {
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
    return AssembleDataset.Output.builder()
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
        .validationPerFamily(a.validationPerFamily())
        .trainPerDifficulty(a.trainPerDifficulty())
        .validationPerDifficulty(a.validationPerDifficulty())
        .removedPerFamily(DatasetManifest.removed(a))
        .duplicatesRemoved(a.duplicatesRemoved())
        .evaluationOverlapRemoved(a.evaluationOverlapRemoved())
        .ngramOverlapRemoved(ngram)
        .difficultyFiltered(filtered.counts())
        .difficultyCounts(
            filtered.passRates() == null ? null : store(runContext, filtered.passRates()))
        .shortfalls(inputs.shortfalls)
        .ood(inputs.ood)
        .build();
  }
}
