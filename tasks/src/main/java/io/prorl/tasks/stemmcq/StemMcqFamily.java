package io.prorl.tasks.stemmcq;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/** STEM: multiple-choice questions from formulas and unit conversions; binary reward. */
public final class StemMcqFamily implements TaskFamily {
  public static final String NAME = "stem_mcq";

  private final StemMcqGenerator generator = new StemMcqGenerator();
  private final StemMcqSolver solver = new StemMcqSolver();
  private final StemMcqVerifier verifier = new StemMcqVerifier();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "multiple-choice physics and unit-conversion questions; binary reward";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return StemMcqGenerator.DEFAULTS;
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
    StemMcqSpec.of(problem);
  }
}
