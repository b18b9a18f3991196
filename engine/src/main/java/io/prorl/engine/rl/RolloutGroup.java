package io.prorl.engine.rl;

import io.prorl.engine.sampling.Generation;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;

/**
 * One prompt and its G sampled responses with their verifier rewards.
 *
 * @param problem the problem the prompt asks
 * @param prompt the prompt's tokens (chat-formatted)
 * @param responses the G responses
 * @param rewards the verifier's verdict on each response
 */
public record RolloutGroup(
    Problem problem, int[] prompt, List<Generation> responses, List<Reward> rewards) {

  public RolloutGroup {
    responses = List.copyOf(responses);
    rewards = List.copyOf(rewards);
  }

  public double[] rewardValues() {
    return rewards.stream().mapToDouble(Reward::value).toArray();
  }

  /** Whether the rewards differ, so the group carries a learning signal. */
  public boolean isMixed() {
    return GroupAdvantages.isMixed(rewardValues());
  }
}
