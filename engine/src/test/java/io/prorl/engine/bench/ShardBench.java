package io.prorl.engine.bench;

import io.prorl.engine.DjlEngine;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.job.DifficultyFilterJob;
import io.prorl.engine.job.DifficultyFilterJob.DifficultyFilter;
import io.prorl.engine.job.EvaluateJob;
import io.prorl.engine.job.EvaluationCounts;
import io.prorl.engine.job.PassRateCounts;
import io.prorl.engine.job.Shard;
import io.prorl.engine.parallel.Lanes;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sharding on one machine, the engine alone (no Kestra): the same evaluation and the same
 * difficulty filter run as one task with two lanes, as one task with one lane, and as two shards at
 * once (two threads, one lane each, as two Kestra worker threads would run them), side by side in
 * one JVM, each arm alone. The shards' merged counts are checked equal to the one-lane task's (same
 * lane count, so the same batches) before any time is printed. The policy is the embedded untrained
 * one (it writes to the token limit, the evaluation's worst case).
 *
 * <p>Run: {@code ./prorl bench-shards [PROBLEMS_PER_FAMILY] [SAMPLES] [MAX_NEW_TOKENS] [ROUNDS]}
 * (defaults 48 8 64 2; OMP_NUM_THREADS=1 from the launcher).
 */
public final class ShardBench {
  private ShardBench() {}

  public static void main(String[] args) throws Exception {
    DjlEngine.pytorch();
    int perFamily = args.length > 0 ? Integer.parseInt(args[0]) : 48;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int maxNewTokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Path dir = Files.createTempDirectory("prorl-bench-shards");
    String policy = EmbeddedDefault.write(dir.resolve("policy"), 1).toUri().toString();
    TaskFamilies families = TaskFamilies.builtIn();
    List<Problem> problems = new ArrayList<>();
    problems.addAll(
        families.generate(
            "graph_color", Map.of("vertices", 5, "edgeProbability", 0.4), 3, perFamily));
    problems.addAll(
        families.generate(
            "arithmetic", Map.of("terms", 2, "maxOperand", 20, "division", false), 4, perFamily));
    EvaluateJob.Builder eval =
        EvaluateJob.Config.builder(Map.of("policy", policy))
            .samples(samples)
            .maxNewTokens(maxNewTokens);
    DifficultyFilter filter =
        DifficultyFilter.builder()
            .policy(policy)
            .samples(samples)
            .maxNewTokens(maxNewTokens)
            .build();
    System.out.printf(
        "%d problems (graph_color + arithmetic) x %d samples, up to %d new tokens, embedded"
            + " policy; OMP_NUM_THREADS=%s; %d rounds, each arm alone%n",
        problems.size(), samples, maxNewTokens, System.getenv("OMP_NUM_THREADS"), rounds);
    System.out.printf("%-12s %-34s %10s %18s%n", "work", "arm", "seconds", "vs one task, 2 lanes");

    Work evaluation =
        shard ->
            EvaluateJob.counts(eval.shard(shard).build(), problems, Map.of(), families, m -> {});
    Work difficulty =
        shard -> DifficultyFilterJob.counts(filter, problems, families, null, shard, m -> {});
    for (int round = 1; round <= rounds; round++) {
      measure("evaluation", evaluation, round);
      measure("filter", difficulty, round);
    }
  }

  /** One shard's counts of a piece of work. */
  @FunctionalInterface
  private interface Work {
    Object counts(Shard shard) throws Exception;
  }

  private static void measure(String name, Work work, int round) throws Exception {
    System.setProperty(Lanes.PROPERTY, "2");
    long t0 = System.nanoTime();
    Object whole = work.counts(Shard.WHOLE);
    double twoLanes = (System.nanoTime() - t0) / 1e9;
    System.setProperty(Lanes.PROPERTY, "1");
    t0 = System.nanoTime();
    Object oneLane = work.counts(Shard.WHOLE);
    double single = (System.nanoTime() - t0) / 1e9;
    check(whole != null, name + ": no counts"); // lanes split batches: 2 lanes may differ
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try {
      t0 = System.nanoTime();
      List<Future<Object>> parts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Shard shard = new Shard(i, 2);
        Callable<Object> task = () -> work.counts(shard);
        parts.add(workers.submit(task));
      }
      List<Object> counts = new ArrayList<>();
      for (Future<Object> f : parts) {
        counts.add(f.get());
      }
      double sharded = (System.nanoTime() - t0) / 1e9;
      Object merged = merge(counts);
      check(merged.equals(merge(List.of(oneLane))), name + ": the merged shards differ");
      row(name, "round " + round + ": one task, 2 lanes", twoLanes, twoLanes);
      row(name, "round " + round + ": one task, 1 lane", single, twoLanes);
      row(name, "round " + round + ": 2 shards at once, 1 lane each", sharded, twoLanes);
    } finally {
      workers.shutdown();
      System.clearProperty(Lanes.PROPERTY);
    }
  }

  private static Object merge(List<Object> shards) {
    if (shards.get(0) instanceof EvaluationCounts) {
      return shards.size() == 1
          ? shards.get(0)
          : EvaluationCounts.merge(shards.stream().map(EvaluationCounts.class::cast).toList());
    }
    return shards.size() == 1
        ? shards.get(0)
        : PassRateCounts.merge(shards.stream().map(PassRateCounts.class::cast).toList());
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  private static void row(String work, String arm, double seconds, double reference) {
    System.out.printf("%-12s %-34s %10.2f %18.2f%n", work, arm, seconds, seconds / reference);
  }
}
