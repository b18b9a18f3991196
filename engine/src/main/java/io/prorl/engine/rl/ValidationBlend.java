package io.prorl.engine.rl;

import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validation a phase watches for a stall: on held-out problems, {@code samples} responses per
 * problem at the evaluation temperature; per family, pass@1 = correct samples / all samples of the
 * family; the blend is the mean over families, so a large family does not drown a small one:
 *
 * <pre>
 *   blend = (1 / |F|) * sum_f (1 / (n_f * s)) * sum_{i in f} c_i
 * </pre>
 *
 * with n_f problems of family f, s samples each and c_i correct samples of problem i.
 */
public final class ValidationBlend implements ValidationCheck {
  private static final int SEQUENCES_PER_BATCH = 64;
  private final Tokenizer tokenizer;
  private final TaskFamilies families;
  private final List<Problem> problems;
  private final ValidationConfig config;
  private final int maxNewTokens;

  /**
   * @param problems the validation set; the first {@code config.problems()} of each family are
   *     used, so every family counts in the blend whatever the order of the file
   * @param maxNewTokens the response length limit (the rollouts')
   */
  public ValidationBlend(
      Tokenizer tokenizer,
      TaskFamilies families,
      List<Problem> problems,
      ValidationConfig config,
      int maxNewTokens) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("validation: the validation set is empty");
    }
    this.tokenizer = tokenizer;
    this.families = families;
    Map<String, Integer> taken = new TreeMap<>();
    List<Problem> used = new ArrayList<>();
    for (Problem p : problems) {
      if (taken.merge(p.family(), 1, Integer::sum) <= config.problems()) {
        used.add(p);
      }
    }
    this.problems = List.copyOf(used);
    this.config = config;
    this.maxNewTokens = maxNewTokens;
  }

  @Override
  public Validation validate(Qwen2Model policy) {
    List<Problem> order = new ArrayList<>();
    for (Problem p : problems) {
      for (int i = 0; i < config.samples(); i++) {
        order.add(p);
      }
    }
    Sampler sampler = new Sampler(policy, tokenizer);
    Map<String, int[]> correctOfAll = new TreeMap<>();
    for (int from = 0; from < order.size(); from += SEQUENCES_PER_BATCH) {
      List<Problem> batch = order.subList(from, Math.min(order.size(), from + SEQUENCES_PER_BATCH));
      List<int[]> prompts = new ArrayList<>();
      batch.forEach(p -> prompts.add(tokenizer.encodePrompt(p)));
      SamplingParams params =
          new SamplingParams(
              config.temperature(),
              config.topP(),
              0,
              maxNewTokens,
              List.of(),
              Seeds.derive(config.seed(), from));
      List<Generation> out = sampler.generate(prompts, params);
      for (int i = 0; i < batch.size(); i++) {
        Problem p = batch.get(i);
        int[] c = correctOfAll.computeIfAbsent(p.family(), f -> new int[2]);
        c[0] += families.score(p, out.get(i).text()).correct() ? 1 : 0;
        c[1]++;
      }
    }
    Map<String, Double> perFamily = new TreeMap<>();
    correctOfAll.forEach((f, c) -> perFamily.put(f, (double) c[0] / c[1]));
    double blend = perFamily.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new Validation(blend, perFamily);
  }
}
