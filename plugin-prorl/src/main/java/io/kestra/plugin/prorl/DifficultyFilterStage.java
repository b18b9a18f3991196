package io.kestra.plugin.prorl;

import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.job.DifficultyFilterJob;
import io.prorl.engine.job.DifficultyFilterJob.DifficultyFilter;
import io.prorl.engine.job.DifficultyFilterJob.FamilyCounts;
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
 * sets are never filtered. Off when no policy is given.
 */
final class DifficultyFilterStage {
  private DifficultyFilterStage() {}

  /**
   * @param cleaned the pools after cleaning and filtering
   * @param filter the filter that ran, or null when it was off
   * @param perFamily what each family kept and lost (empty when off)
   */
  record Filtered(
      DatasetAssembler.Cleaned cleaned,
      DifficultyFilter filter,
      Map<String, FamilyCounts> perFamily) {

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

  /** Runs the filter the rendered {@code difficultyFilter} map asks for, or passes through. */
  static Filtered apply(
      Map<String, Object> entry,
      DatasetAssembler.Cleaned cleaned,
      TaskFamilies families,
      S3CheckpointStore.Settings s3,
      Logger log)
      throws Exception {
    List<String> bad = DifficultyFilterEntry.violations(entry);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
    DifficultyFilter filter = DifficultyFilterEntry.of(entry);
    if (!filter.enabled()) {
      if (!entry.isEmpty()) {
        log.info("difficulty filter off: no policy given");
      }
      return new Filtered(cleaned, null, Map.of());
    }
    List<Problem> all = new ArrayList<>();
    cleaned.pools().forEach(p -> all.addAll(p.problems()));
    DifficultyFilterJob.Result r = DifficultyFilterJob.run(filter, all, families, s3, log::info);
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
        r.perFamily());
  }
}
