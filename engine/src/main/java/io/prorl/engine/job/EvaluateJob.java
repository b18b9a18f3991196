package io.prorl.engine.job;

import io.prorl.engine.Devices;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
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
import java.util.function.Consumer;

/**
 * pass@k of one or more policies on a problem set: n sampled completions per problem, scored by the
 * task verifiers, unbiased pass@k per k, overall and per family (schemas/evaluation-report).
 */
public final class EvaluateJob {
  private static final int SEQUENCES_PER_BATCH = 64;

  /**
   * @param policies name -> policy reference (file: URI or path), in report order
   * @param samples completions per problem, n
   * @param ks the k of each pass@k reported, each at most n
   * @param temperature sampling temperature (ProRL evaluates at 0.6)
   * @param topP nucleus sampling
   * @param maxNewTokens response length limit
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
      long seed,
      String device,
      S3CheckpointStore.Settings s3) {
    public Config {
      if (policies.isEmpty()) {
        throw new IllegalArgumentException("policies: at least one policy to evaluate");
      }
      if (samples < 1) {
        throw new IllegalArgumentException("samples must be at least 1, got " + samples);
      }
      for (int k : ks) {
        if (k < 1 || k > samples) {
          throw new IllegalArgumentException(
              "ks: each k must lie in [1, samples=" + samples + "], got " + k);
        }
      }
      policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
      ks = List.copyOf(ks);
    }
  }

  /** One policy's results. */
  public record PolicyReport(
      String name,
      String policy,
      double meanReward,
      Map<Integer, Double> passAtK,
      Map<String, Map<Integer, Double>> perFamily) {}

  /** The whole report. */
  public record Report(
      int problems,
      int samples,
      List<Integer> ks,
      double temperature,
      List<PolicyReport> policies) {}

  private EvaluateJob() {}

  public static Report run(
      Config config, List<Problem> problems, TaskFamilies families, Consumer<String> log)
      throws IOException {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: the evaluation set is empty");
    }
    DjlEngine.gradientsOffOnThisThread();
    List<PolicyReport> reports = new ArrayList<>();
    for (Map.Entry<String, String> e : config.policies().entrySet()) {
      long start = System.nanoTime();
      reports.add(evaluate(e.getKey(), e.getValue(), config, problems, families));
      PolicyReport r = reports.get(reports.size() - 1);
      log.accept(
          String.format(
              "evaluated %s: pass@k %s, mean reward %.3f (%.0f s)",
              r.name(), r.passAtK(), r.meanReward(), (System.nanoTime() - start) / 1e9));
    }
    return new Report(
        problems.size(), config.samples(), config.ks(), config.temperature(), reports);
  }

  private static PolicyReport evaluate(
      String name, String reference, Config config, List<Problem> problems, TaskFamilies families)
      throws IOException {
    Path dir =
        PolicyDirs.resolve(reference, config.s3(), Files.createTempDirectory("prorl-policy"));
    PassAtKTable table = new PassAtKTable();
    double rewardSum = 0;
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve(HfModelDir.TOKENIZER));
        Qwen2Model policy = HfModelDir.load(dir, Devices.resolve(config.device()))) {
      Sampler sampler = new Sampler(policy, tokenizer);
      // (problem, sample) pairs in order; each batch gets its own seed derived from the run's
      List<Problem> order = new ArrayList<>();
      for (Problem p : problems) {
        for (int i = 0; i < config.samples(); i++) {
          order.add(p);
        }
      }
      for (int from = 0; from < order.size(); from += SEQUENCES_PER_BATCH) {
        List<Problem> batch =
            order.subList(from, Math.min(order.size(), from + SEQUENCES_PER_BATCH));
        List<int[]> prompts = new ArrayList<>();
        batch.forEach(p -> prompts.add(tokenizer.encode(ChatTemplate.userTurn(p.prompt()))));
        SamplingParams params =
            new SamplingParams(
                config.temperature(),
                config.topP(),
                0,
                config.maxNewTokens(),
                List.of(ChatTemplate.IM_END),
                config.seed() * 1_000_003L + from);
        List<Generation> out = sampler.generate(prompts, params);
        for (int i = 0; i < batch.size(); i++) {
          Problem p = batch.get(i);
          var reward = families.score(p, out.get(i).text());
          table.add(p.id(), p.family(), reward.correct());
          rewardSum += reward.value();
        }
      }
    }
    return new PolicyReport(
        name,
        reference,
        rewardSum / (problems.size() * (double) config.samples()),
        table.overall(config.ks()),
        table.perFamily(config.ks()));
  }
}
