package io.prorl.engine.rl;

import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;

/**
 * Rollouts: each problem's prompt in the chat format, {@code groupSize} responses from the sampler
 * in one batch, each scored by its family's verifier.
 */
public final class RolloutGenerator {
  private final Qwen2Model policy;
  private final Tokenizer tokenizer;
  private final TaskFamilies families;
  private final SamplingParams sampling;
  private final int groupSize;

  public RolloutGenerator(
      Qwen2Model policy,
      Tokenizer tokenizer,
      TaskFamilies families,
      SamplingParams sampling,
      int groupSize) {
    if (groupSize < 2) {
      throw new IllegalArgumentException("groupSize must be at least 2, got " + groupSize);
    }
    this.policy = policy;
    this.tokenizer = tokenizer;
    this.families = families;
    this.sampling = sampling;
    this.groupSize = groupSize;
  }

  /** The groups of {@code problems}, in order; {@code seed} makes the draws reproducible. */
  public List<RolloutGroup> rollout(List<Problem> problems, long seed) {
    List<int[]> prompts = new ArrayList<>();
    List<int[]> perProblem = new ArrayList<>();
    for (Problem p : problems) {
      int[] prompt = tokenizer.encodePrompt(p);
      perProblem.add(prompt);
      for (int i = 0; i < groupSize; i++) {
        prompts.add(prompt);
      }
    }
    List<Generation> generations =
        new Sampler(policy, tokenizer).generate(prompts, sampling.withSeed(seed));
    List<RolloutGroup> groups = new ArrayList<>(problems.size());
    for (int q = 0; q < problems.size(); q++) {
      List<Generation> responses = generations.subList(q * groupSize, (q + 1) * groupSize);
      List<Reward> rewards = new ArrayList<>(groupSize);
      for (Generation g : responses) {
        rewards.add(families.score(problems.get(q), g.text()));
      }
      groups.add(new RolloutGroup(problems.get(q), perProblem.get(q), responses, rewards));
    }
    return groups;
  }

  public int groupSize() {
    return groupSize;
  }
}
