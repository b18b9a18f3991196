package io.prorl.engine.bench;

import ai.djl.Device;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.rl.WarmStart;
import io.prorl.engine.sampling.FinishReason;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.eval.PassAtK;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How sound a warm-started base is, per family, before any RL: for each SFT seed the embedded
 * default is initialised and warm-started ({@link WarmStart}) on generated problems of the trained
 * families (mixed in one set, prompts deduplicated as the dataset assembler does), then sampled at
 * temperature 0.6 / top-p 0.95 on held-out problems of every trained family and of the
 * out-of-distribution ones. Held-out problems come from a separate probe seed, and any whose prompt
 * the SFT set holds is skipped, so the probe never scores a prompt the SFT saw.
 *
 * <p>Per family and difficulty it prints: distinct SFT problems, the worked solutions' length in
 * tokens (mean / max: do they fit maxNewTokens?), unbiased pass@k for k = 1..samples, the share of
 * format failures (no readable answer) and of responses cut at maxNewTokens, the mean reward and
 * one sampled response.
 *
 * <pre>
 * BaseProbe [--steps 200] [--lr 2e-3] [--final-lr 0.1] [--end-weight 4] [--batch 32]
 *           [--sft-seeds 1,2] [--sft-problems 2000] [--held-out 50] [--samples 8]
 *           [--probe-seed 9001] [--max-new-tokens 64] [--temperature 0.6] [--top-p 0.95]
 *           [--ood boxnet] FAMILY[:knob=value,...]...
 * </pre>
 *
 * e.g. {@code graph_color:vertices=5,colors=3,edgeProbability=0.4 arithmetic:terms=2,maxOperand=9
 * stem_mcq:options=4}. A family given twice with different knobs is a curriculum: the SFT set holds
 * both, the probe reports each. Every default not given on the command line is {@link
 * WarmStart.Config#DEFAULTS}'s. The SFT seed seeds the SFT problems, the initialisation and the
 * batch order.
 */
public final class BaseProbe {
  private static final int SAMPLER_BATCH = 128;

  private BaseProbe() {}

  /** A family at one difficulty. */
  record Spec(String family, Map<String, Object> knobs) {
    static Spec parse(String text) {
      int colon = text.indexOf(':');
      return colon < 0
          ? new Spec(text, Map.of())
          : new Spec(text.substring(0, colon), Knobs.parse(text.substring(colon + 1)));
    }

    String label() {
      return family + (knobs.isEmpty() ? "" : knobs.toString().replace(" ", ""));
    }
  }

  /** What the probe measured on one family and difficulty. */
  record Row(
      Spec spec,
      boolean trained,
      int sftProblems,
      double solutionTokensMean,
      int solutionTokensMax,
      int heldOut,
      double[] passAtK,
      double formatFailures,
      double truncated,
      double meanReward,
      String sample) {}

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    WarmStart.Config sft = WarmStart.Config.DEFAULTS;
    List<Long> seeds = List.of(1L, 2L);
    int sftProblems = 2000;
    int heldOut = 50;
    int samples = 8;
    long probeSeed = 9001;
    int maxNewTokens = 64;
    double temperature = 0.6;
    double topP = 0.95;
    List<Spec> trained = new ArrayList<>();
    List<Spec> ood = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        trained.add(Spec.parse(a));
        continue;
      }
      String v = args[++i];
      switch (a) {
        case "--steps" -> sft = sft.withSteps(Integer.parseInt(v));
        case "--lr" -> sft = sft.withLearningRate(Double.parseDouble(v));
        case "--final-lr" -> sft = sft.withFinalLrFraction(Double.parseDouble(v));
        case "--end-weight" -> sft = sft.withEndWeight(Double.parseDouble(v));
        case "--batch" -> sft = sft.withBatchSize(Integer.parseInt(v));
        case "--sft-seeds" ->
            seeds = java.util.Arrays.stream(v.split(",")).map(Long::valueOf).toList();
        case "--sft-problems" -> sftProblems = Integer.parseInt(v);
        case "--held-out" -> heldOut = Integer.parseInt(v);
        case "--samples" -> samples = Integer.parseInt(v);
        case "--probe-seed" -> probeSeed = Long.parseLong(v);
        case "--max-new-tokens" -> maxNewTokens = Integer.parseInt(v);
        case "--temperature" -> temperature = Double.parseDouble(v);
        case "--top-p" -> topP = Double.parseDouble(v);
        case "--ood" -> ood.add(Spec.parse(v));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (trained.isEmpty()) {
      throw new IllegalArgumentException("name at least one trained FAMILY[:knob=value,...]");
    }
    if (ood.isEmpty()) {
      ood.add(Spec.parse("boxnet"));
    }
    SamplingParams sampling =
        new SamplingParams(temperature, topP, 0, maxNewTokens, List.of(), probeSeed);
    for (long seed : seeds) {
      run(
          trained,
          ood,
          sft.withSeed(seed),
          sftProblems,
          heldOut,
          samples,
          probeSeed,
          sampling,
          System.out);
    }
  }

  /** One warm start and its probe; returns the rows it printed. */
  static List<Row> run(
      List<Spec> trained,
      List<Spec> ood,
      WarmStart.Config sft,
      int sftProblems,
      int heldOut,
      int samples,
      long probeSeed,
      SamplingParams sampling,
      PrintStream out)
      throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    Map<Spec, List<Problem>> sftSets = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    List<Problem> mix = new ArrayList<>();
    for (Spec s : trained) {
      List<Problem> distinct = new ArrayList<>();
      for (Problem p : families.generate(s.family(), s.knobs(), sft.seed(), sftProblems)) {
        if (seen.add(p.prompt())) {
          distinct.add(p);
        }
      }
      sftSets.put(s, distinct);
      mix.addAll(distinct);
    }
    Path dir = Files.createTempDirectory("prorl-base-probe");
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    List<Row> rows = new ArrayList<>();
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        Qwen2Model policy =
            Qwen2Model.initialize(EmbeddedDefault.config(), sft.seed(), Device.cpu())) {
      long start = System.nanoTime();
      double cpuStart = cpuSeconds();
      double loss = WarmStart.run(policy, tokenizer, mix, sft, step -> {});
      double sftSeconds = (System.nanoTime() - start) / 1e9;
      double sftCpu = cpuSeconds() - cpuStart;
      out.printf(
          "%nSFT seed %d: %d steps x %d, lr %.1e -> %.2f, endWeight %.1f, %d distinct problems;"
              + " loss %.3f; %.0f s wall, %.0f s CPU%n",
          sft.seed(),
          sft.steps(),
          sft.batchSize(),
          sft.learningRate(),
          sft.finalLrFraction(),
          sft.endWeight(),
          mix.size(),
          loss,
          sftSeconds,
          sftCpu);
      List<Spec> probed = new ArrayList<>(trained);
      probed.addAll(ood);
      long probeStart = System.nanoTime();
      for (Spec s : probed) {
        boolean isTrained = sftSets.containsKey(s);
        List<Problem> sftSet = sftSets.getOrDefault(s, List.of());
        List<Problem> held = heldOut(families, s, probeSeed, heldOut, seen);
        rows.add(probe(s, isTrained, sftSet, held, policy, tokenizer, families, samples, sampling));
      }
      print(rows, samples, sampling, out);
      out.printf("probe: %.0f s%n", (System.nanoTime() - probeStart) / 1e9);
    }
    return rows;
  }

  /** CPU time of this process, all threads (the machine is shared: wall time is noisy). */
  private static double cpuSeconds() {
    return ProcessHandle.current()
            .info()
            .totalCpuDuration()
            .map(java.time.Duration::toNanos)
            .orElse(0L)
        / 1e9;
  }

  private static List<Problem> heldOut(
      TaskFamilies families, Spec s, long probeSeed, int count, Set<String> sftPrompts) {
    List<Problem> held = new ArrayList<>();
    Set<String> mine = new HashSet<>();
    int index = 0;
    while (held.size() < count && index < count * 100) {
      Problem p = families.get(s.family()).generate(s.knobs(), probeSeed, index++);
      if (!sftPrompts.contains(p.prompt()) && mine.add(p.prompt())) {
        held.add(p);
      }
    }
    return held;
  }

  static Row probe(
      Spec s,
      boolean trained,
      List<Problem> sftSet,
      List<Problem> held,
      Qwen2Model policy,
      Tokenizer tokenizer,
      TaskFamilies families,
      int samples,
      SamplingParams sampling) {
    double tokens = 0;
    int maxTokens = 0;
    for (Problem p : sftSet) {
      int n = tokenizer.encode(p.solution() + EmbeddedDefault.IM_END).length;
      tokens += n;
      maxTokens = Math.max(maxTokens, n);
    }
    List<int[]> prompts = new ArrayList<>();
    for (Problem p : held) {
      int[] prompt = tokenizer.encodePrompt(p);
      for (int i = 0; i < samples; i++) {
        prompts.add(prompt);
      }
    }
    List<Generation> generations = new ArrayList<>();
    Sampler sampler = new Sampler(policy, tokenizer);
    for (int from = 0; from < prompts.size(); from += SAMPLER_BATCH) {
      List<int[]> chunk = prompts.subList(from, Math.min(prompts.size(), from + SAMPLER_BATCH));
      generations.addAll(sampler.generate(chunk, sampling.withSeed(sampling.seed() + from)));
    }
    double[] passAtK = new double[samples];
    int formatFailures = 0;
    int truncated = 0;
    double reward = 0;
    for (int q = 0; q < held.size(); q++) {
      int correct = 0;
      for (int i = 0; i < samples; i++) {
        Generation g = generations.get(q * samples + i);
        Reward r = families.score(held.get(q), g.text());
        correct += r.correct() ? 1 : 0;
        formatFailures += r.formatOk() ? 0 : 1;
        truncated += g.finishReason() == FinishReason.LENGTH ? 1 : 0;
        reward += r.value();
      }
      for (int k = 1; k <= samples; k++) {
        passAtK[k - 1] += PassAtK.estimate(samples, correct, k) / held.size();
      }
    }
    int n = held.size() * samples;
    return new Row(
        s,
        trained,
        sftSet.size(),
        sftSet.isEmpty() ? Double.NaN : tokens / sftSet.size(),
        maxTokens,
        held.size(),
        passAtK,
        (double) formatFailures / n,
        (double) truncated / n,
        reward / n,
        generations.isEmpty() ? "" : generations.get(0).text());
  }

  private static void print(List<Row> rows, int samples, SamplingParams sampling, PrintStream out) {
    out.printf(
        "held-out pass@k at T=%.1f, top-p %.2f, %d samples, maxNewTokens %d%n",
        sampling.temperature(), sampling.topP(), samples, sampling.maxNewTokens());
    StringBuilder header =
        new StringBuilder(
            String.format("%-58s %5s %9s %4s", "family (trained/OOD)", "sft", "sol.tok", "n"));
    for (int k = 1; k <= samples; k *= 2) {
      header.append(String.format(" %7s", "pass@" + k));
    }
    header.append(String.format(" %7s %7s %7s", "format", "cut", "reward"));
    out.println(header);
    for (Row r : rows) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "%-58s %5d %4.0f/%-4d %4d",
                  (r.trained() ? "T " : "O ") + r.spec().label(),
                  r.sftProblems(),
                  r.solutionTokensMean(),
                  r.solutionTokensMax(),
                  r.heldOut()));
      for (int k = 1; k <= samples; k *= 2) {
        line.append(String.format(" %7.3f", r.passAtK()[k - 1]));
      }
      line.append(
          String.format(" %7.3f %7.3f %7.3f", r.formatFailures(), r.truncated(), r.meanReward()));
      out.println(line);
    }
    out.println("pass@k for every k:");
    for (Row r : rows) {
      StringBuilder line = new StringBuilder("  " + r.spec().family() + ":");
      for (double v : r.passAtK()) {
        line.append(String.format(" %.3f", v));
      }
      out.println(line);
    }
    out.println("a sampled response per family:");
    for (Row r : rows) {
      out.println("  " + r.spec().family() + ": " + r.sample().replace("\n", "\\n"));
    }
  }
}
