package io.prorl.engine.job;

import io.prorl.engine.Devices;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.checkpoint.Manifest;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.io.FileTrees;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.io.JsonSchemaFile;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.eval.PassAtKTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The reasoning boundary of one or more policies (ProRL, section 4): n completions sampled per
 * problem at temperature 0.6 and top-p 0.95, scored by the task verifiers, and the unbiased
 *
 * <pre>
 *   pass@k = E_problems [ 1 - C(n - c, k) / C(n, k) ]      (c of the n completions correct)
 * </pre>
 *
 * for every k of the ks list, per set: the held-out problems of each trained family (set = family)
 * and each named out-of-distribution set. Also overall and per family on the held-out problems, as
 * schemas/evaluation-report.schema.json describes.
 */
public final class EvaluateJob {
  public static final int DEFAULT_SAMPLES = 8;
  public static final double DEFAULT_TEMPERATURE = 0.6;
  public static final double DEFAULT_TOP_P = 0.95;
  public static final int DEFAULT_MAX_NEW_TOKENS = 64;
  public static final long DEFAULT_SEED = 1L;
  public static final String DEFAULT_DEVICE = "cpu";

  /** 0: every problem of a set. */
  public static final int DEFAULT_MAX_PROBLEMS = 0;

  public static final String REPORT_SCHEMA = "/schemas/evaluation-report.schema.json";

  /**
   * @param policies name -> policy reference (file: URI, s3:// URI or path), in report order
   * @param samples completions per problem, n
   * @param ks the k of each pass@k, each in [1, n]; empty: {@link #defaultKs(int)}
   * @param temperature sampling temperature (ProRL evaluates at 0.6)
   * @param topP nucleus sampling (ProRL: 0.95)
   * @param maxNewTokens response length limit
   * @param maxProblems the first N problems of each set (each family's held-out problems and each
   *     out-of-distribution set); 0 = all
   * @param seed the sampling seed; every policy sees the same seeds
   * @param device cpu, gpu or auto
   * @param s3 how to reach S3 for s3:// policies
   * @param shard the part of every set's sampling batches to run ({@link Shard#WHOLE}: all)
   */
  public record Config(
      Map<String, String> policies,
      int samples,
      List<Integer> ks,
      double temperature,
      double topP,
      int maxNewTokens,
      int maxProblems,
      long seed,
      String device,
      S3CheckpointStore.Settings s3,
      Shard shard) {
    public Config {
      if (policies == null || policies.isEmpty()) {
        throw new IllegalArgumentException("policies: at least one policy to evaluate");
      }
      List<String> v = violations(samples, ks, temperature, topP, maxNewTokens, maxProblems);
      if (!v.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", v));
      }
      policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
      ks = ks == null || ks.isEmpty() ? defaultKs(samples) : List.copyOf(ks);
    }

    /** A config with every default, for {@code policies}. */
    public static Builder builder(Map<String, String> policies) {
      return new Builder(policies);
    }
  }

  /** Named construction of a {@link Config}; each setting starts at its default. */
  public static final class Builder {
    private final Map<String, String> policies;
    private int samples = DEFAULT_SAMPLES;
    private List<Integer> ks = List.of();
    private double temperature = DEFAULT_TEMPERATURE;
    private double topP = DEFAULT_TOP_P;
    private int maxNewTokens = DEFAULT_MAX_NEW_TOKENS;
    private int maxProblems = DEFAULT_MAX_PROBLEMS;
    private long seed = DEFAULT_SEED;
    private String device = DEFAULT_DEVICE;
    private S3CheckpointStore.Settings s3 =
        new S3CheckpointStore.Settings(null, null, false, null, null);
    private Shard shard = Shard.WHOLE;

    private Builder(Map<String, String> policies) {
      this.policies = policies;
    }

    public Builder samples(int v) {
      samples = v;
      return this;
    }

    /** Empty: k = 1, 2, 4, ... and n. */
    public Builder ks(List<Integer> v) {
      ks = v;
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

    public Builder maxProblems(int v) {
      maxProblems = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder device(String v) {
      device = v;
      return this;
    }

    public Builder s3(S3CheckpointStore.Settings v) {
      s3 = v;
      return this;
    }

    public Builder shard(Shard v) {
      shard = v;
      return this;
    }

    public Config build() {
      return new Config(
          policies,
          samples,
          ks,
          temperature,
          topP,
          maxNewTokens,
          maxProblems,
          seed,
          device,
          s3,
          shard);
    }
  }

  /**
   * The rules of a config, one message per broken rule naming the setting; used by {@link Config}
   * and by the Evaluate task's static validation.
   *
   * @param ks empty or null: the default list, always valid
   */
  public static List<String> violations(
      int samples,
      List<Integer> ks,
      double temperature,
      double topP,
      int maxNewTokens,
      int maxProblems) {
    List<String> out = new ArrayList<>();
    if (samples < 1) {
      out.add("samples must be >= 1, got " + samples);
    }
    for (Integer k : ks == null ? List.<Integer>of() : ks) {
      if (k == null || k < 1 || k > samples) {
        out.add("ks: each k must lie in [1, samples=" + samples + "], got " + k);
      }
    }
    if (!(temperature >= 0)) {
      out.add("temperature must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      out.add("topP must lie in (0, 1], got " + topP);
    }
    if (maxNewTokens < 1) {
      out.add("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    if (maxProblems < 0) {
      out.add("maxProblems must be >= 0 (0 = all), got " + maxProblems);
    }
    return out;
  }

  /** k = 1, 2, 4, ... (powers of two below n) and n itself. */
  public static List<Integer> defaultKs(int n) {
    List<Integer> out = new ArrayList<>();
    for (int k = 1; k < n; k *= 2) {
      out.add(k);
    }
    out.add(n);
    return List.copyOf(out);
  }

  /** A problem set: one trained family's held-out problems, or an out-of-distribution set. */
  public record ProblemSet(String name, boolean outOfDistribution, List<Problem> problems) {
    public ProblemSet {
      problems = List.copyOf(problems);
    }
  }

  /**
   * The sets of an evaluation: the held-out problems grouped per family (sorted by family), then
   * each out-of-distribution set in the given order; each cut to its first {@code maxProblems}
   * problems (0 = all).
   */
  public static List<ProblemSet> sets(
      List<Problem> heldOut, Map<String, List<Problem>> outOfDistribution, int maxProblems) {
    if (heldOut.isEmpty()) {
      throw new IllegalArgumentException("problems: the evaluation set is empty");
    }
    Map<String, List<Problem>> byFamily =
        heldOut.stream()
            .collect(Collectors.groupingBy(Problem::family, TreeMap::new, Collectors.toList()));
    List<ProblemSet> out = new ArrayList<>();
    byFamily.forEach((f, ps) -> out.add(new ProblemSet(f, false, first(ps, maxProblems))));
    for (Map.Entry<String, List<Problem>> e : outOfDistribution.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("outOfDistribution: a set without a name");
      }
      if (byFamily.containsKey(name)) {
        throw new IllegalArgumentException(
            "outOfDistribution."
                + name
                + ": the held-out problems have a family of that name; name the set differently");
      }
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("outOfDistribution." + name + ": the set is empty");
      }
      out.add(new ProblemSet(name, true, first(e.getValue(), maxProblems)));
    }
    return out;
  }

  private static List<Problem> first(List<Problem> ps, int n) {
    return n > 0 && n < ps.size() ? ps.subList(0, n) : ps;
  }

  /**
   * One policy on one set.
   *
   * @param passAtK k -> mean pass@k over the set's problems
   * @param meanReward mean verifier reward over every completion
   * @param meanResponseTokens mean response length in tokens (an ending EOS included)
   */
  public record SetResult(
      String set,
      boolean outOfDistribution,
      int problems,
      int samples,
      Map<Integer, Double> passAtK,
      double meanReward,
      double meanResponseTokens) {}

  /**
   * One policy's results.
   *
   * @param checkpoint where the policy sits in its run (from its MANIFEST.json), or null for a
   *     policy that is no checkpoint of ours
   * @param meanReward over the held-out problems
   * @param passAtK over the held-out problems
   * @param perFamily family -> k -> pass@k, held-out problems
   * @param perSet every set, held-out families first, then the out-of-distribution sets
   */
  public record PolicyReport(
      String name,
      String policy,
      CheckpointId checkpoint,
      double meanReward,
      Map<Integer, Double> passAtK,
      Map<String, Map<Integer, Double>> perFamily,
      List<SetResult> perSet) {}

  /**
   * The whole report.
   *
   * @param problems held-out problems evaluated (out-of-distribution sets not counted)
   */
  public record Report(
      int problems,
      int samples,
      List<Integer> ks,
      double temperature,
      double topP,
      List<PolicyReport> policies) {}

  private EvaluateJob() {}

  /**
   * Evaluates every policy of the config on the held-out problems (grouped per family) and on each
   * out-of-distribution set.
   *
   * @param outOfDistribution set name -> problems, in report order
   * @param log progress, one line per policy and set
   */
  public static Report run(
      Config config,
      List<Problem> heldOut,
      Map<String, List<Problem>> outOfDistribution,
      TaskFamilies families,
      Consumer<String> log)
      throws IOException {
    return report(counts(config, heldOut, outOfDistribution, families, log));
  }

  /**
   * Samples and scores the config's shard of every set for every policy, and returns what it
   * counted per problem; {@link #report} (after {@link EvaluationCounts#merge} for shards) turns
   * that into the report.
   */
  public static EvaluationCounts counts(
      Config config,
      List<Problem> heldOut,
      Map<String, List<Problem>> outOfDistribution,
      TaskFamilies families,
      Consumer<String> log)
      throws IOException {
    List<ProblemSet> sets = sets(heldOut, outOfDistribution, config.maxProblems());
    DjlEngine.gradientsOffOnThisThread();
    List<EvaluationCounts.PolicyCounts> policies = new ArrayList<>();
    for (Map.Entry<String, String> e : config.policies().entrySet()) {
      policies.add(evaluate(e.getKey(), e.getValue(), config, sets, families, log));
    }
    List<EvaluationCounts.SetInfo> infos = new ArrayList<>();
    for (ProblemSet set : sets) {
      infos.add(
          new EvaluationCounts.SetInfo(
              set.name(),
              set.outOfDistribution(),
              set.problems().stream().map(Problem::id).toList()));
    }
    return new EvaluationCounts(
        config.samples(),
        config.ks(),
        config.temperature(),
        config.topP(),
        config.maxNewTokens(),
        config.seed(),
        config.shard(),
        infos,
        policies);
  }

  /**
   * The report of a whole evaluation from its per-problem counts: pass@k is the mean over problems
   * of each problem's unbiased estimate, mean reward and length are sums over problems divided by
   * the completions. The one place a report is computed, for unsharded and merged evaluations.
   *
   * @throws IllegalArgumentException for the counts of one shard (merge them first)
   */
  public static Report report(EvaluationCounts counts) {
    if (counts.shard().count() != 1) {
      throw new IllegalArgumentException(
          "counts of shard "
              + counts.shard().index()
              + " of "
              + counts.shard().count()
              + ": merge every shard's counts first");
    }
    java.util.Set<String> outOfDistribution =
        counts.sets().stream()
            .filter(EvaluationCounts.SetInfo::outOfDistribution)
            .map(EvaluationCounts.SetInfo::name)
            .collect(Collectors.toSet());
    List<PolicyReport> reports = new ArrayList<>();
    for (EvaluationCounts.PolicyCounts p : counts.policies()) {
      Map<String, Outcomes> bySet = new LinkedHashMap<>();
      counts.sets().forEach(set -> bySet.put(set.name(), new Outcomes()));
      Outcomes heldOut = new Outcomes();
      // the counts are in set order, so one pass sums each set and the held-out sets in order
      for (EvaluationCounts.ProblemCount c : p.problems()) {
        bySet.get(c.set()).add(c);
        if (!outOfDistribution.contains(c.set())) {
          heldOut.add(c);
        }
      }
      List<SetResult> perSet = new ArrayList<>();
      for (EvaluationCounts.SetInfo set : counts.sets()) {
        perSet.add(
            bySet
                .get(set.name())
                .result(set.name(), set.outOfDistribution(), counts.samples(), counts.ks()));
      }
      reports.add(
          new PolicyReport(
              p.name(),
              p.policy(),
              p.checkpoint(),
              heldOut.meanReward(),
              heldOut.table.overall(counts.ks()),
              heldOut.table.perFamily(counts.ks()),
              perSet));
    }
    int heldOutCount =
        counts.sets().stream()
            .filter(s -> !s.outOfDistribution())
            .mapToInt(s -> s.problemIds().size())
            .sum();
    return new Report(
        heldOutCount, counts.samples(), counts.ks(), counts.temperature(), counts.topP(), reports);
  }

  /** Writes the report as JSON after checking it against schemas/evaluation-report.schema.json. */
  public static void write(Report report, Path file) throws IOException {
    var tree = Json.MAPPER.valueToTree(report);
    JsonSchemaFile.load(REPORT_SCHEMA).require(tree, "evaluation report");
    Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
  }

  private static EvaluationCounts.PolicyCounts evaluate(
      String name,
      String reference,
      Config config,
      List<ProblemSet> sets,
      TaskFamilies families,
      Consumer<String> log)
      throws IOException {
    Path scratch = Files.createTempDirectory("prorl-policy");
    try {
      Path dir = PolicyDirs.resolve(reference, config.s3(), scratch);
      CheckpointId origin = origin(dir);
      String who = origin == null ? name : name + " (" + label(origin) + ")";
      if (config.shard().count() > 1) {
        who += ", shard " + config.shard().index() + " of " + config.shard().count();
      }
      List<EvaluationCounts.ProblemCount> counted = new ArrayList<>();
      try (Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER));
          Qwen2Model policy = HfModelDir.load(dir, Devices.resolve(config.device()))) {
        Sampler sampler = new Sampler(policy, tokenizer);
        for (ProblemSet set : sets) {
          long start = System.nanoTime();
          List<EvaluationCounts.ProblemCount> c = sample(sampler, tokenizer, set, config, families);
          counted.addAll(c);
          if (!c.isEmpty()) {
            Outcomes o = new Outcomes();
            c.forEach(o::add);
            SetResult r =
                o.result(set.name(), set.outOfDistribution(), config.samples(), config.ks());
            log.accept(progress(who, r, (System.nanoTime() - start) / 1e9));
          }
        }
      }
      return new EvaluationCounts.PolicyCounts(name, reference, origin, counted);
    } finally {
      FileTrees.delete(scratch);
    }
  }

  /** "base" for phase 0 (the warm-started or given start of a run), else "phase-000N". */
  public static String label(CheckpointId id) {
    return id.phase() == 0 ? "base" : String.format("phase-%04d", id.phase());
  }

  /** The run, phase and step of a checkpoint folder, read from its MANIFEST.json; else null. */
  static CheckpointId origin(Path dir) throws IOException {
    Path file = dir.resolve(Checkpointer.MANIFEST);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Manifest m = Json.MAPPER.readValue(Files.readString(file), Manifest.class);
    return new CheckpointId(m.runId(), m.phase(), m.step());
  }

  private static String progress(String who, SetResult r, double seconds) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "policy %s, set %s%s: %d problems x %d samples,",
            who, r.set(), r.outOfDistribution() ? " (OOD)" : "", r.problems(), r.samples()));
    r.passAtK().forEach((k, v) -> b.append(String.format(" pass@%d %.3f", k, v)));
    b.append(
        String.format(
            ", mean reward %.3f, %.1f tokens (%.0f s)",
            r.meanReward(), r.meanResponseTokens(), seconds));
    return b.toString();
  }

  /**
   * Samples and scores the config's shard of a set in {@link ProblemBatches}' shard-independent
   * batches, the seeds deriving from the run's seed and the set.
   */
  private static List<EvaluationCounts.ProblemCount> sample(
      Sampler sampler, Tokenizer tokenizer, ProblemSet set, Config config, TaskFamilies families) {
    int n = config.samples();
    List<Problem> problems = set.problems();
    double[] rewardSum = new double[problems.size()];
    int[] correct = new int[problems.size()];
    long[] tokens = new long[problems.size()];
    SamplingParams params =
        new SamplingParams(
            config.temperature(), config.topP(), 0, config.maxNewTokens(), List.of(), 0);
    List<ProblemBatches.Range> chunks =
        ProblemBatches.sample(
            sampler,
            tokenizer,
            problems,
            n,
            config.shard(),
            params,
            Seeds.derive(config.seed(), set.name().hashCode()),
            (index, g) -> {
              Reward reward = families.score(problems.get(index), g.text());
              rewardSum[index] += reward.value();
              correct[index] += reward.correct() ? 1 : 0;
              tokens[index] += g.tokens().length;
            },
            (done, total) -> {});
    List<EvaluationCounts.ProblemCount> out = new ArrayList<>();
    for (ProblemBatches.Range chunk : chunks) {
      for (int i = chunk.first(); i < chunk.end(); i++) {
        Problem p = problems.get(i);
        out.add(
            new EvaluationCounts.ProblemCount(
                set.name(), p.id(), p.family(), n, correct[i], rewardSum[i], tokens[i]));
      }
    }
    return out;
  }

  /** Per-problem counts summed in order: the pass@k table, reward and length sums. */
  private static final class Outcomes {
    final PassAtKTable table = new PassAtKTable();
    double rewardSum;
    long tokenSum;
    long completions;

    void add(EvaluationCounts.ProblemCount c) {
      table.addCounts(c.problemId(), c.family(), c.n(), c.c());
      rewardSum += c.rewardSum();
      tokenSum += c.tokens();
      completions += c.n();
    }

    double meanReward() {
      return rewardSum / completions;
    }

    SetResult result(String set, boolean outOfDistribution, int samples, List<Integer> ks) {
      return new SetResult(
          set,
          outOfDistribution,
          table.problems(),
          samples,
          table.overall(ks),
          meanReward(),
          tokenSum / (double) completions);
    }
  }
}
