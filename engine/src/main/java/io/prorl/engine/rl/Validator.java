package io.prorl.engine.rl;

import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;

/** Validation pass@1: one greedy response per problem, the share scored fully correct. */
public final class Validator {
  private final Tokenizer tokenizer;
  private final TaskFamilies families;
  private final List<Problem> problems;
  private final int maxNewTokens;

  public Validator(
      Tokenizer tokenizer, TaskFamilies families, List<Problem> problems, int maxNewTokens) {
    this.tokenizer = tokenizer;
    this.families = families;
    this.problems = List.copyOf(problems);
    this.maxNewTokens = maxNewTokens;
  }

  public double passAt1(Qwen2Model policy) {
    if (problems.isEmpty()) {
      return Double.NaN;
    }
    List<int[]> prompts = new ArrayList<>();
    for (Problem p : problems) {
      prompts.add(tokenizer.encodePrompt(p));
    }
    SamplingParams greedy = new SamplingParams(0, 1, 0, maxNewTokens, List.of(), 0);
    List<Generation> out = new Sampler(policy, tokenizer).generate(prompts, greedy);
    int correct = 0;
    for (int i = 0; i < problems.size(); i++) {
      correct += families.score(problems.get(i), out.get(i).text()).correct() ? 1 : 0;
    }
    return (double) correct / problems.size();
  }
}
