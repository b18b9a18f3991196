package io.prorl.engine;

import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/**
 * A test reward that even a random policy earns a little of: the share of digit characters in the
 * response. It gives GRPO mixed groups from the first step, so the RL loop can be tested and timed
 * without a warm start.
 */
public final class DigitFamily implements TaskFamily {
  @Override
  public String name() {
    return "digits";
  }

  @Override
  public String description() {
    return "test reward: share of digit characters";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return Map.of();
  }

  @Override
  public Problem generate(Map<String, ?> difficulty, long seed, int index) {
    return new Problem(
        "digits-" + index, "digits", Map.of(), "Write digits " + index, Map.of(), null);
  }

  @Override
  public Solution solve(Problem problem) {
    return new Solution("123", "123");
  }

  @Override
  public Reward score(Problem problem, String completion) {
    String text = completion.replace(EmbeddedDefault.IM_END, "");
    long digits = text.chars().filter(Character::isDigit).count();
    return Reward.partial(text.isEmpty() ? 0 : (double) digits / text.length(), digits + " digits");
  }

  @Override
  public void validate(Problem problem) {}
}
