package io.kestra.plugin.prorl;

import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.job.DifficultyFilterJob;
import io.prorl.engine.job.DifficultyFilterJob.DifficultyFilter;
import io.prorl.engine.job.DifficultyFilterJob.FamilyCounts;
import io.prorl.engine.job.PassRateCounts;
import io.prorl.engine.job.Shard;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.dataset.DatasetAssembler;
import io.prorl.tasks.dataset.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * {@link AssembleDataset}'s difficulty filter, between cleaning and the weighted mix: every
 * training pool keeps the problems whose pass rate under the given policy lies in the band ({@link
 * DifficultyFilterJob}), so weights share out filtered pools. Out-of-distribution and evaluation
 * sets are never filtered. Off when no policy is given. Three ways to get the pass rates: sample
 * all of them here; sample one shard only (shardIndex/shardCount: the task then outputs the counts
 * and no dataset); or merge the counts of every shard ({@code difficultyCounts}).
 */
final class DifficultyFilterStage {
  private DifficultyFilterStage() {}

  /**
   * @param cleaned the pools after cleaning and filtering; null for a shard, which filters nothing
   * @param filter the filter that ran, or null when it was off
   * @param passRates what the filter counted per problem (a shard's part, or the whole), or null
   * @param perFamily what each family kept and lost (empty when off or for a shard)
   */
  record Filtered(
      DatasetAssembler.Cleaned cleaned,
      DifficultyFilter filter,
      PassRateCounts passRates,
      Map<String, FamilyCounts> perFamily) {

    /** Whether this task sampled one shard of the filter and assembles no dataset. */
    boolean shardOnly() {
      return passRates != null && !passRates.shard().whole();
    }

    int tooEasy() {
      return perFamily.values().stream().mapToInt(FamilyCounts::tooEasy).sum();
    }

    int tooHard() {
      return perFamily.values().stream().mapToInt(FamilyCounts::tooHard).sum();
    }

    /** family -> {kept, tooEasy, tooHard}: the task's output. */
    Map<String, Map<String, Integer>> counts() {
      Map<String, Map<String, Integer>> out = new TreeMap<>();
      perFamily.forEach((family, c) -> {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("kept", c.kept());
        m.put("tooEasy", c.tooEasy());
        m.put("tooHard", c.tooHard());
        out.put(family, m);
      });
      return out;
    }
  }

  /**
   * Runs the filter the rendered {@code difficultyFilter} map asks for, or passes through.
   *
   * @param shardCounts the {@code difficultyCounts} URIs: merge these instead of sampling
   */
  static Filtered apply(
      RunContext runContext,
      Map<String, Object> entry,
      List<String> shardCounts,
      DatasetAssembler.Cleaned cleaned,
      TaskFamilies families,
      S3CheckpointStore.Settings s3)
      throws Exception {
    Logger log = runContext.logger();
    List<String> bad = new ArrayList<>(DifficultyFilterEntry.violations(entry));
    DifficultyFilter filter = bad.isEmpty() ? DifficultyFilterEntry.of(entry) : null;
    Shard shard = bad.isEmpty() ? DifficultyFilterEntry.shard(entry) : Shard.WHOLE;
    if (filter != null && !filter.enabled() && !shardCounts.isEmpty()) {
      bad.add("difficultyCounts: given, but difficultyFilter has no policy");
    }
    if (!shard.whole() && !shardCounts.isEmpty()) {
      bad.add(
          "difficultyCounts: a task samples one shard (difficultyFilter.shardIndex/shardCount) or"
              + " merges every shard's counts, not both");
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
    if (!filter.enabled()) {
      if (!entry.isEmpty()) {
        log.info("difficulty filter off: no policy given");
      }
      return new Filtered(cleaned, null, null, Map.of());
    }
    List<Problem> all = new ArrayList<>();
    cleaned.pools().forEach(p -> all.addAll(p.problems()));
    PassRateCounts counts =
        shardCounts.isEmpty()
            ? DifficultyFilterJob.counts(filter, all, families, s3, shard, log::info)
            : merge(runContext, shardCounts, s3);
    if (!counts.shard().whole()) {
      log.info(
          "difficulty filter, {}: counted {} of {} problems; AssembleDataset with"
              + " difficultyCounts applies the band to every shard's counts",
          shard,
          counts.counts().size(),
          counts.problems());
      return new Filtered(null, filter, counts, Map.of());
    }
    DifficultyFilterJob.Result r = DifficultyFilterJob.select(filter, all, counts, log::info);
    List<Pool> pools = new ArrayList<>();
    int i = 0;
    for (Pool pool : cleaned.pools()) {
      List<Problem> kept = new ArrayList<>();
      for (Problem p : pool.problems()) {
        if (r.verdicts().get(i++) == DifficultyFilterJob.Verdict.KEPT) {
          kept.add(p);
        }
      }
      pools.add(pool.withProblems(kept));
    }
    return new Filtered(
        new DatasetAssembler.Cleaned(
            pools, cleaned.input(), cleaned.removedPerFamily(), cleaned.ngramMatches()),
        filter,
        counts,
        r.perFamily());
  }

  /** The whole list's counts from the shards' count files, each named by its index on error. */
  private static PassRateCounts merge(
      RunContext runContext, List<String> uris, S3CheckpointStore.Settings s3) throws Exception {
    List<PassRateCounts> shards = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      String property = "difficultyCounts[" + i + "]";
      shards.add(PassRateCounts.read(InputFiles.fetch(runContext, uris.get(i), property, s3)));
    }
    PassRateCounts whole = PassRateCounts.merge(shards);
    runContext
        .logger()
        .info(
            "difficulty filter: merged {} shards' counts of {} problems",
            uris.size(),
            whole.problems());
    return whole;
  }
}
