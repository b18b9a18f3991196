package io.prorl.engine;

import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/**
 * A test family that an untrained policy solves about half the time: a response is correct when its
 * text (without the end token) has an even number of characters. Reward 1 when correct, else 0, so
 * the mean reward equals pass@1, and problems get mixed counts of correct completions.
 */
public final class ParityFamily implements TaskFamily {
  private final String name;

  public ParityFamily(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "test reward: even response length";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return Map.of();
  }

  @Override
  public Problem generate(Map<String, ?> difficulty, long seed, int index) {
    return new Problem(
        name + "-" + index, name, Map.of(), "Count to " + (index + 3), Map.of(), null);
  }

  @Override
  public Solution solve(Problem problem) {
    return new Solution("12", "12");
  }

  @Override
  public Reward score(Problem problem, String completion) {
    String text = completion.replace(EmbeddedDefault.IM_END, "");
    return text.length() % 2 == 0 ? Reward.correct("even") : Reward.wrong("odd");
  }

  @Override
  public void validate(Problem problem) {}
}
