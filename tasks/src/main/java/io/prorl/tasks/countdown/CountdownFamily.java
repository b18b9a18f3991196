package io.prorl.tasks.countdown;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/** Reach a target from given numbers with + - * /; binary reward, safe parser. */
public final class CountdownFamily implements TaskFamily {
  public static final String NAME = "countdown";

  private final CountdownGenerator generator = new CountdownGenerator();
  private final CountdownSolver solver = new CountdownSolver();
  private final CountdownVerifier verifier = new CountdownVerifier();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "reach a target number from given numbers, each used at most once; binary reward";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return CountdownGenerator.DEFAULTS;
  }

  @Override
  public Problem generate(Map<String, ?> difficulty, long seed, int index) {
    return generator.generate(difficulty, seed, index);
  }

  @Override
  public Solution solve(Problem problem) {
    return solver.solve(problem);
  }

  @Override
  public Reward score(Problem problem, String completion) {
    return verifier.score(problem, completion);
  }

  @Override
  public void validate(Problem problem) {
    CountdownSpec.of(problem);
  }
}
