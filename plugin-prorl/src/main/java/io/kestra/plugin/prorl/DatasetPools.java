package io.kestra.plugin.prorl;

import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.dataset.DistinctGenerator;
import io.prorl.tasks.dataset.GeneratedSet;
import io.prorl.tasks.dataset.Pool;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The inputs of {@link AssembleDataset} made concrete: one pool per generate and sources entry, the
 * out-of-distribution sets written to internal storage, the evaluation problems, and every
 * generated set that fell short of its count (logged as a warning, never silent).
 */
final class DatasetPools {
  final List<Pool> pools = new ArrayList<>();
  final List<Problem> evaluation = new ArrayList<>();
  final Map<String, URI> ood = new LinkedHashMap<>();
  final Map<String, Integer> oodCounts = new LinkedHashMap<>();
  final List<String> shortfalls = new ArrayList<>();
  private final RunContext runContext;
  private final TaskFamilies families;
  private final ProblemJsonl jsonl;
  private final S3CheckpointStore.Settings s3;
  private final Logger log;

  DatasetPools(RunContext runContext, TaskFamilies families, S3CheckpointStore.Settings s3) {
    this.runContext = runContext;
    this.families = families;
    this.jsonl = new ProblemJsonl(families);
    this.s3 = s3;
    this.log = runContext.logger();
  }

  void generate(List<GeneratedSet> sets) {
    for (int i = 0; i < sets.size(); i++) {
      GeneratedSet s = sets.get(i);
      List<Problem> ps = distinct(s, "generate[" + i + "]");
      pools.add(new Pool("generate[" + i + "] " + s.family(), s.weight(), ps));
      log.info(
          "generated {} distinct {} problems (seed {}, difficulty {}{})",
          ps.size(),
          s.family(),
          s.seed(),
          s.difficulty().knobs(),
          s.weight().isPresent() ? ", weight " + s.weight().getAsDouble() : "");
    }
  }

  void read(List<SourceEntries.Source> sources) throws Exception {
    for (int i = 0; i < sources.size(); i++) {
      SourceEntries.Source s = sources.get(i);
      List<Problem> read =
          ProblemFiles.read(runContext, jsonl, s.uri(), "sources[" + i + "]", s3).problems();
      pools.add(new Pool("sources[" + i + "] " + s.uri(), s.weight(), read));
      log.info("read {} problems from {}", read.size(), s.uri());
    }
  }

  /** The families of the training pools. */
  Set<String> trainedFamilies() {
    Set<String> out = new HashSet<>();
    pools.forEach(p -> p.problems().forEach(q -> out.add(q.family())));
    return out;
  }

  void evaluationSets(List<String> uris) throws Exception {
    for (String uri : uris) {
      evaluation.addAll(ProblemFiles.read(runContext, jsonl, uri, "evaluationSets", s3).problems());
    }
  }

  /** Each set as {@code <name>.jsonl} in internal storage; its prompts join the evaluation sets. */
  void outOfDistribution(List<OutOfDistributionSets.Named> sets) throws Exception {
    for (int i = 0; i < sets.size(); i++) {
      OutOfDistributionSets.Named n = sets.get(i);
      List<Problem> ps = distinct(n.set(), OutOfDistributionSets.PROPERTY + "[" + i + "]");
      Path file = runContext.workingDir().createTempFile(".jsonl");
      ProblemJsonl.write(ps, file);
      ood.put(n.name(), runContext.storage().putFile(file.toFile(), n.name() + ".jsonl"));
      oodCounts.put(n.name(), ps.size());
      evaluation.addAll(ps);
      log.info("out-of-distribution set {}: {} {} problems", n.name(), ps.size(), n.set().family());
    }
  }

  private List<Problem> distinct(GeneratedSet s, String at) {
    DistinctGenerator.Generated g = DistinctGenerator.generate(families, s);
    g.shortfall()
        .ifPresent(f -> {
          String line = at + " " + f.describe() + ": the problem space is exhausted";
          log.warn(line);
          shortfalls.add(line);
        });
    return g.problems();
  }
}
