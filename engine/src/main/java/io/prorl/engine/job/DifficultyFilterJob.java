package io.prorl.engine.job;

import io.prorl.engine.Devices;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.io.FileTrees;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.Rules;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * ProRL's data curation by difficulty: a policy (the base to be trained) samples n responses per
 * problem, the family verifiers score them, and a problem is kept when its pass rate lies in the
 * band:
 *
 * <pre>
 *   p(q) = c(q) / n          c(q) = responses with full credit among the n sampled for q
 *   keep q  iff  minPassRate <= p(q) <= maxPassRate
 *   tooEasy iff p(q) > maxPassRate,   tooHard iff p(q) < minPassRate
 * </pre>
 *
 * A problem the policy always solves gives GRPO groups of all-1 rewards, one it never solves all-0
 * groups: both have zero advantage and are dropped by dynamic sampling at every step, so ProRL kept
 * the problems its base neither always solved nor always failed. Same policy, problems (in the same
 * order), seed and device: same result, whether sampled in one task or in shards ({@link #counts},
 * merged by {@link PassRateCounts#merge}).
 */
public final class DifficultyFilterJob {
  private DifficultyFilterJob() {}

  /**
   * The filter's settings. Build one with {@link #builder()}, which starts from {@link #DEFAULTS}.
   *
   * @param policy HF directory of the policy that judges difficulty (file: URI, s3:// or a path);
   *     null or blank in {@link #DEFAULTS}: the filter is off until a policy is given
   * @param samples responses sampled per problem, n
   * @param temperature sampling temperature; the default is the rollouts' (TrainerConfig), so the
   *     pass rate is the one RL's groups will see
   * @param topP nucleus sampling
   * @param maxNewTokens response length limit in tokens
   * @param seed sampling seed
   * @param minPassRate keep problems with p >= minPassRate, in [0, 1]
   * @param maxPassRate keep problems with p <= maxPassRate, in [minPassRate, 1]
   * @param device cpu, gpu or auto
   */
  public record DifficultyFilter(
      String policy,
      int samples,
      double temperature,
      double topP,
      int maxNewTokens,
      long seed,
      double minPassRate,
      double maxPassRate,
      String device) {

    public static final int DEFAULT_SAMPLES = 8;
    public static final long DEFAULT_SEED = 1;

    /**
     * With fewer than 100 samples, [0.01, 0.99] keeps exactly the problems solved at least once and
     * failed at least once: ProRL's practice.
     */
    public static final double DEFAULT_MIN_PASS_RATE = 0.01;

    public static final double DEFAULT_MAX_PASS_RATE = 0.99;
    public static final String DEFAULT_DEVICE = "cpu";

    /** No policy (off); sampled as the rollouts are (TrainerConfig.DEFAULTS.sampling()). */
    public static final DifficultyFilter DEFAULTS =
        new DifficultyFilter(
            null,
            DEFAULT_SAMPLES,
            TrainerConfig.DEFAULTS.sampling().temperature(),
            TrainerConfig.DEFAULTS.sampling().topP(),
            TrainerConfig.DEFAULTS.sampling().maxNewTokens(),
            DEFAULT_SEED,
            DEFAULT_MIN_PASS_RATE,
            DEFAULT_MAX_PASS_RATE,
            DEFAULT_DEVICE);

    public DifficultyFilter {
      Rules.check(violations(samples, temperature, topP, maxNewTokens, minPassRate, maxPassRate));
      device = device == null || device.isBlank() ? DEFAULT_DEVICE : device;
    }

    /** The rules, for the constructor and for static checks (a null value is not known yet). */
    public static List<String> violations(
        Integer samples,
        Double temperature,
        Double topP,
        Integer maxNewTokens,
        Double minPassRate,
        Double maxPassRate) {
      List<String> out = new ArrayList<>();
      Rules.atLeast(out, "samples", samples, 1);
      Rules.atLeast(out, "temperature", temperature, 0);
      if (topP != null && !(topP > 0 && topP <= 1)) {
        out.add("topP must lie in (0, 1], got " + topP);
      }
      Rules.atLeast(out, "maxNewTokens", maxNewTokens, 1);
      boolean minOk = rate(out, "minPassRate", minPassRate);
      boolean maxOk = rate(out, "maxPassRate", maxPassRate);
      if (minOk && maxOk && minPassRate > maxPassRate) {
        out.add(
            "minPassRate ("
                + minPassRate
                + ") must be <= maxPassRate ("
                + maxPassRate
                + "): no pass rate lies in the band");
      }
      return out;
    }

    /** Adds a violation unless v is unknown or in [0, 1]; true when v is known and valid. */
    private static boolean rate(List<String> out, String name, Double v) {
      if (v != null && !(v >= 0 && v <= 1)) {
        out.add(name + " must lie in [0, 1], got " + v);
        return false;
      }
      return v != null;
    }

    /** On when a policy is given. */
    public boolean enabled() {
      return policy != null && !policy.isBlank();
    }

    /** Where a problem with {@code correct} of {@link #samples} full-credit responses goes. */
    public Verdict verdict(int correct) {
      double p = (double) correct / samples;
      return p > maxPassRate ? Verdict.TOO_EASY : p < minPassRate ? Verdict.TOO_HARD : Verdict.KEPT;
    }

    public static Builder builder() {
      return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
      return new Builder(this);
    }

    /** Named construction, starting from a filter. */
    public static final class Builder {
      private String policy;
      private int samples;
      private double temperature;
      private double topP;
      private int maxNewTokens;
      private long seed;
      private double minPassRate;
      private double maxPassRate;
      private String device;

      private Builder(DifficultyFilter f) {
        policy = f.policy;
        samples = f.samples;
        temperature = f.temperature;
        topP = f.topP;
        maxNewTokens = f.maxNewTokens;
        seed = f.seed;
        minPassRate = f.minPassRate;
        maxPassRate = f.maxPassRate;
        device = f.device;
      }

      public Builder policy(String v) {
        policy = v;
        return this;
      }

      public Builder samples(int v) {
        samples = v;
        return this;
      }

      public Builder temperature(double v) {
        temperature = v;
        return this;
      }

      public Builder topP(double v) {
        topP = v;
        return this;
      }

      public Builder maxNewTokens(int v) {
        maxNewTokens = v;
        return this;
      }

      public Builder seed(long v) {
        seed = v;
        return this;
      }

      public Builder minPassRate(double v) {
        minPassRate = v;
        return this;
      }

      public Builder maxPassRate(double v) {
        maxPassRate = v;
        return this;
      }

      public Builder device(String v) {
        device = v;
        return this;
      }

      public DifficultyFilter build() {
        return new DifficultyFilter(
            policy,
            samples,
            temperature,
            topP,
            maxNewTokens,
            seed,
            minPassRate,
            maxPassRate,
            device);
      }
    }
  }

  /** Where a problem went. */
  public enum Verdict {
    KEPT,
    TOO_EASY,
    TOO_HARD
  }

  /**
   * One family's problems after the filter.
   *
   * @param kept problems whose pass rate lies in the band
   * @param tooEasy problems with p > maxPassRate
   * @param tooHard problems with p < minPassRate
   * @param problemsByCorrect element c = problems with c of the n responses correct (c = 0..n): the
   *     pass-rate histogram
   */
  public record FamilyCounts(int kept, int tooEasy, int tooHard, List<Integer> problemsByCorrect) {
    public FamilyCounts {
      problemsByCorrect = List.copyOf(problemsByCorrect);
    }

    public int problems() {
      return kept + tooEasy + tooHard;
    }
  }

  /**
   * @param kept the kept problems, in input order
   * @param correct full-credit responses per input problem, in input order
   * @param verdicts where each input problem went, in input order
   * @param perFamily counts per family, by family name
   */
  public record Result(
      List<Problem> kept,
      List<Integer> correct,
      List<Verdict> verdicts,
      Map<String, FamilyCounts> perFamily) {}

  /** Samples, scores and keeps the problems in the band (no model is loaded for no problems). */
  public static Result run(
      DifficultyFilter filter,
      List<Problem> problems,
      TaskFamilies families,
      S3CheckpointStore.Settings s3,
      Consumer<String> log)
      throws IOException {
    return select(filter, problems, counts(filter, problems, families, s3, Shard.WHOLE, log), log);
  }

  /**
   * The band applied to the whole list's counts (an unsharded filter's, or its shards' merged),
   * after checking that {@code filter} would have sampled them and that they are counts of {@code
   * problems}.
   *
   * @throws IllegalArgumentException naming the setting or the problem that differs
   */
  public static Result select(
      DifficultyFilter filter,
      List<Problem> problems,
      PassRateCounts counts,
      Consumer<String> log) {
    Rules.check(
        counts.differencesFrom(filter).stream().map(d -> "difficultyCounts: " + d).toList());
    Result r = select(filter, problems, counts.correctFor(problems));
    log.accept(
        String.format(
            "difficulty filter: kept %d of %d problems with pass rate in [%s, %s] (n = %d): %s",
            r.kept().size(),
            problems.size(),
            filter.minPassRate(),
            filter.maxPassRate(),
            filter.samples(),
            r.perFamily()));
    return r;
  }

  /** The band applied to measured counts: c(q) correct of n for each problem q. */
  public static Result select(DifficultyFilter filter, List<Problem> problems, int[] correct) {
    if (correct.length != problems.size()) {
      throw new IllegalArgumentException(
          "correct: one count per problem, got " + correct.length + " for " + problems.size());
    }
    Map<String, int[]> tallies = new TreeMap<>(); // kept, tooEasy, tooHard, then by c = 0..n
    List<Problem> kept = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      if (correct[i] < 0 || correct[i] > filter.samples()) {
        throw new IllegalArgumentException(
            "correct["
                + i
                + "] must lie in [0, samples="
                + filter.samples()
                + "], got "
                + correct[i]);
      }
      Verdict v = filter.verdict(correct[i]);
      verdicts.add(v);
      if (v == Verdict.KEPT) {
        kept.add(p);
      }
      int[] t = tallies.computeIfAbsent(p.family(), f -> new int[3 + filter.samples() + 1]);
      t[v.ordinal()]++;
      t[3 + correct[i]]++;
    }
    Map<String, FamilyCounts> perFamily = new TreeMap<>();
    tallies.forEach((family, t) ->
        perFamily.put(
            family,
            new FamilyCounts(t[0], t[1], t[2], Arrays.stream(t, 3, t.length).boxed().toList())));
    return new Result(
        List.copyOf(kept), Arrays.stream(correct).boxed().toList(), verdicts, perFamily);
  }

  /**
   * c(q) for the shard's problems (all of them for {@link Shard#WHOLE}): n responses each, in
   * {@link ProblemBatches}' shard-independent batches, so shards merge into exactly the unsharded
   * counts. No model is loaded when the shard has no problem.
   */
  public static PassRateCounts counts(
      DifficultyFilter filter,
      List<Problem> problems,
      TaskFamilies families,
      S3CheckpointStore.Settings s3,
      Shard shard,
      Consumer<String> log)
      throws IOException {
    if (!filter.enabled()) {
      throw new IllegalArgumentException("policy: the difficulty filter needs a policy");
    }
    int[] correct = new int[problems.size()];
    List<ProblemBatches.Range> chunks =
        ProblemBatches.chunks(problems.size(), filter.samples(), shard);
    int shardProblems = chunks.stream().mapToInt(ProblemBatches.Range::size).sum();
    if (shardProblems > 0) {
      sample(filter, problems, families, s3, shard, correct, shardProblems, log);
    }
    List<PassRateCounts.ProblemPassCount> out = new ArrayList<>();
    for (ProblemBatches.Range chunk : chunks) {
      for (int i = chunk.first(); i < chunk.end(); i++) {
        Problem p = problems.get(i);
        out.add(new PassRateCounts.ProblemPassCount(i, p.id(), p.family(), correct[i]));
      }
    }
    return PassRateCounts.of(filter, shard, problems.size(), out);
  }

  private static void sample(
      DifficultyFilter filter,
      List<Problem> problems,
      TaskFamilies families,
      S3CheckpointStore.Settings s3,
      Shard shard,
      int[] correct,
      int shardProblems,
      Consumer<String> log)
      throws IOException {
    DjlEngine.gradientsOffOnThisThread();
    Path scratch = Files.createTempDirectory("prorl-filter-policy");
    try {
      Path dir = PolicyDirs.resolve(filter.policy(), s3, scratch);
      try (Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER));
          Qwen2Model policy = HfModelDir.load(dir, Devices.resolve(filter.device()))) {
        String which = shard.whole() ? "" : " (" + shard + " of " + problems.size() + " problems)";
        log.accept(
            String.format(
                "difficulty filter: %d problems x %d responses with %s (temperature %s, top-p %s,"
                    + " %d new tokens, seed %d)%s",
                shardProblems,
                filter.samples(),
                filter.policy(),
                filter.temperature(),
                filter.topP(),
                filter.maxNewTokens(),
                filter.seed(),
                which));
        long start = System.nanoTime();
        int[] reportedDecile = {0};
        SamplingParams params =
            new SamplingParams(
                filter.temperature(), filter.topP(), 0, filter.maxNewTokens(), List.of(), 0);
        ProblemBatches.sample(
            new Sampler(policy, tokenizer),
            tokenizer,
            problems,
            filter.samples(),
            shard,
            params,
            Seeds.derive(filter.seed(), 0),
            (index, g) -> {
              if (families.score(problems.get(index), g.text()).correct()) {
                correct[index]++;
              }
            },
            (done, total) -> {
              int decile = (int) (10L * done / total);
              if (decile > reportedDecile[0] && done < total) {
                reportedDecile[0] = decile;
                double elapsed = (System.nanoTime() - start) / 1e9;
                log.accept(
                    String.format(
                        "difficulty filter: %d/%d problems (%d%%), %.0f s, about %.0f s left",
                        done,
                        total,
                        100L * done / total,
                        elapsed,
                        elapsed * (total - done) / done));
              }
            });
      }
    } finally {
      FileTrees.delete(scratch);
    }
  }
}
