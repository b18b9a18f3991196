package io.prorl.tasks.boxnet;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/**
 * Logic, out of distribution: agents on a grid move boxes to their targets; the plan is simulated.
 * Held out of training by default, as in ProRL.
 */
public final class BoxNetFamily implements TaskFamily {
  public static final String NAME = "boxnet";

  private final BoxNetGenerator generator = new BoxNetGenerator();
  private final BoxNetSolver solver = new BoxNetSolver();
  private final BoxNetVerifier verifier = new BoxNetVerifier();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "multi-agent box moving on a grid; share of boxes delivered (floor 0.05)";
  }

  @Override
  public boolean heldOutByDefault() {
    return true;
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return BoxNetGenerator.DEFAULTS;
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
    BoxNetSpec.of(problem);
  }
}
