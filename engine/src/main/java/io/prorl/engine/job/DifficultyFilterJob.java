package io.prorl.engine.job;

import io.prorl.engine.Devices;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.Rules;
import io.prorl.engine.rl.TrainerConfig;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

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
 * order), seed and device: same result.
 */
public final class DifficultyFilterJob {
  /** Sequences sampled together; each batch's seed is derived from the filter's seed. */
  private static final int SEQUENCES_PER_BATCH = 64;

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
    if (!filter.enabled()) {
      throw new IllegalArgumentException("policy: the difficulty filter needs a policy");
    }
    int[] correct = problems.isEmpty() ? new int[0] : sample(filter, problems, families, s3, log);
    Result r = select(filter, problems, correct);
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

  /** c(q) for every problem: n responses each, in batches of {@value #SEQUENCES_PER_BATCH}. */
  private static int[] sample(
      DifficultyFilter filter,
      List<Problem> problems,
      TaskFamilies families,
      S3CheckpointStore.Settings s3,
      Consumer<String> log)
      throws IOException {
    DjlEngine.gradientsOffOnThisThread();
    int n = filter.samples();
    int[] correct = new int[problems.size()];
    Path scratch = Files.createTempDirectory("prorl-filter-policy");
    try {
      Path dir = PolicyDirs.resolve(filter.policy(), s3, scratch);
      try (Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER));
          Qwen2Model policy = HfModelDir.load(dir, Devices.resolve(filter.device()))) {
        Sampler sampler = new Sampler(policy, tokenizer);
        log.accept(
            String.format(
                "difficulty filter: %d problems x %d responses with %s (temperature %s, top-p %s,"
                    + " %d new tokens, seed %d)",
                problems.size(),
                n,
                filter.policy(),
                filter.temperature(),
                filter.topP(),
                filter.maxNewTokens(),
                filter.seed()));
        long start = System.nanoTime();
        int total = problems.size() * n;
        int reportedDecile = 0;
        // sequence s is response s % n of problem s / n
        for (int from = 0; from < total; from += SEQUENCES_PER_BATCH) {
          int to = Math.min(total, from + SEQUENCES_PER_BATCH);
          List<int[]> prompts = new ArrayList<>();
          for (int s = from; s < to; s++) {
            prompts.add(tokenizer.encode(ChatTemplate.userTurn(problems.get(s / n).prompt())));
          }
          SamplingParams params =
              new SamplingParams(
                  filter.temperature(),
                  filter.topP(),
                  0,
                  filter.maxNewTokens(),
                  List.of(ChatTemplate.IM_END),
                  filter.seed() * 1_000_003L + from);
          List<Generation> out = sampler.generate(prompts, params);
          for (int s = from; s < to; s++) {
            Problem p = problems.get(s / n);
            if (families.score(p, out.get(s - from).text()).correct()) {
              correct[s / n]++;
            }
          }
          int done = to / n;
          int decile = (int) (10L * done / problems.size());
          if (decile > reportedDecile && to < total) {
            reportedDecile = decile;
            double elapsed = (System.nanoTime() - start) / 1e9;
            log.accept(
                String.format(
                    "difficulty filter: %d/%d problems (%d%%), %.0f s, about %.0f s left",
                    done,
                    problems.size(),
                    100L * done / problems.size(),
                    elapsed,
                    elapsed * (problems.size() - done) / Math.max(1, done)));
          }
        }
      }
    } finally {
      deleteTree(scratch);
    }
    return correct;
  }

  /** Removes the scratch folder an s3:// policy was downloaded into. */
  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
