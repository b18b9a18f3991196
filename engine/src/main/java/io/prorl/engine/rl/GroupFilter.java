package io.prorl.engine.rl;

import io.prorl.tasks.Reward;

/**
 * Which rollout groups dynamic sampling keeps. A group of G responses to one prompt:
 *
 * <pre>
 *   REWARD_VARIANCE  keep iff  exists i, j: r_i != r_j          (some advantage is non-zero)
 *   ACCURACY         keep iff  0 < acc < 1,  acc = #{i : response i fully correct} / G
 *   NONE             keep every group (no dynamic sampling)
 * </pre>
 *
 * ACCURACY is DAPO's and ProRL's filter: it drops a group the policy always or never solves even
 * when partial credit makes its rewards differ (a group of wrong colorings that satisfy different
 * shares of constraints), so only prompts at the edge of the policy's ability train. With binary
 * rewards the two filters keep the same groups. NONE trains on every group as sampled: a group
 * whose rewards are all equal has zero advantages and adds no gradient, but a step always updates
 * (the smoke runs of real-shaped random policies, which solve nothing, use it to exercise the
 * update; not a training setting).
 */
public enum GroupFilter {
  REWARD_VARIANCE,
  ACCURACY,
  NONE;

  /** Whether dynamic sampling keeps {@code group}. */
  public boolean keeps(RolloutGroup group) {
    if (this == NONE) {
      return true;
    }
    if (this == REWARD_VARIANCE) {
      return group.isMixed();
    }
    long correct = group.rewards().stream().filter(Reward::correct).count();
    return correct > 0 && correct < group.rewards().size();
  }
}
