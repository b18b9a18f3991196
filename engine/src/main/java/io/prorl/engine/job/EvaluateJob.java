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
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
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
  private static final int SEQUENCES_PER_BATCH = 64;

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
      S3CheckpointStore.Settings s3) {
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

    public Config build() {
      return new Config(
          policies, samples, ks, temperature, topP, maxNewTokens, maxProblems, seed, device, s3);
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
    List<ProblemSet> sets = sets(heldOut, outOfDistribution, config.maxProblems());
    DjlEngine.gradientsOffOnThisThread();
    List<PolicyReport> reports = new ArrayList<>();
    for (Map.Entry<String, String> e : config.policies().entrySet()) {
      reports.add(evaluate(e.getKey(), e.getValue(), config, sets, families, log));
    }
    int heldOutCount =
        sets.stream().filter(s -> !s.outOfDistribution()).mapToInt(s -> s.problems().size()).sum();
    return new Report(
        heldOutCount, config.samples(), config.ks(), config.temperature(), config.topP(), reports);
  }

  /** Writes the report as JSON after checking it against schemas/evaluation-report.schema.json. */
  public static void write(Report report, Path file) throws IOException {
    var tree = Json.MAPPER.valueToTree(report);
    JsonSchemaFile.load(REPORT_SCHEMA).require(tree, "evaluation report");
    Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
  }

  private static PolicyReport evaluate(
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
      Outcomes heldOut = new Outcomes();
      List<SetResult> perSet = new ArrayList<>();
      try (Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER));
          Qwen2Model policy = HfModelDir.load(dir, Devices.resolve(config.device()))) {
        Sampler sampler = new Sampler(policy, tokenizer);
        for (ProblemSet set : sets) {
          long start = System.nanoTime();
          Outcomes o =
              sample(
                  sampler,
                  tokenizer,
                  set,
                  config,
                  families,
                  set.outOfDistribution() ? null : heldOut);
          SetResult r = o.result(set, config);
          perSet.add(r);
          log.accept(progress(who, r, (System.nanoTime() - start) / 1e9));
        }
      }
      return new PolicyReport(
          name,
          reference,
          origin,
          heldOut.meanReward(),
          heldOut.table.overall(config.ks()),
          heldOut.table.perFamily(config.ks()),
          perSet);
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

  /** Samples and scores a set; the outcomes also go to {@code alsoTo} when given. */
  private static Outcomes sample(
      Sampler sampler,
      Tokenizer tokenizer,
      ProblemSet set,
      Config config,
      TaskFamilies families,
      Outcomes alsoTo) {
    // (problem, sample) pairs in order; each batch's seed derives from the run's, the set and the
    // batch's position, so a set's samples do not depend on which other sets are evaluated
    List<Problem> order = new ArrayList<>();
    for (Problem p : set.problems()) {
      for (int i = 0; i < config.samples(); i++) {
        order.add(p);
      }
    }
    Outcomes out = new Outcomes();
    for (int from = 0; from < order.size(); from += SEQUENCES_PER_BATCH) {
      List<Problem> batch = order.subList(from, Math.min(order.size(), from + SEQUENCES_PER_BATCH));
      List<int[]> prompts = new ArrayList<>();
      batch.forEach(p -> prompts.add(tokenizer.encode(ChatTemplate.userTurn(p.prompt()))));
      SamplingParams params =
          new SamplingParams(
              config.temperature(),
              config.topP(),
              0,
              config.maxNewTokens(),
              List.of(ChatTemplate.IM_END),
              config.seed() * 1_000_003L + 7_919L * set.name().hashCode() + from);
      List<Generation> generations = sampler.generate(prompts, params);
      for (int i = 0; i < batch.size(); i++) {
        Problem p = batch.get(i);
        Generation g = generations.get(i);
        Reward reward = families.score(p, g.text());
        out.add(p, reward, g.tokens().length);
        if (alsoTo != null) {
          alsoTo.add(p, reward, g.tokens().length);
        }
      }
    }
    return out;
  }

  /** Scored completions: correctness per problem, reward and length sums. */
  private static final class Outcomes {
    final PassAtKTable table = new PassAtKTable();
    double rewardSum;
    long tokenSum;
    long completions;

    void add(Problem p, Reward reward, int tokens) {
      table.add(p.id(), p.family(), reward.correct());
      rewardSum += reward.value();
      tokenSum += tokens;
      completions++;
    }

    double meanReward() {
      return rewardSum / completions;
    }

    SetResult result(ProblemSet set, Config config) {
      return new SetResult(
          set.name(),
          set.outOfDistribution(),
          table.problems(),
          config.samples(),
          table.overall(config.ks()),
          meanReward(),
          tokenSum / (double) completions);
    }
  }
}
