package io.prorl.tasks;

import java.util.Map;

/**
 * A task family assembled from its parts: each family names its generator, reference solver,
 * verifier and record check, and this class does the wiring once.
 */
public class ComposedFamily implements TaskFamily {

  /** Draws problem {@code index} of the stream of {@code seed}. */
  @FunctionalInterface
  public interface Generator {
    Problem generate(Map<String, ?> difficulty, long seed, int index);
  }

  /** Solves a problem and writes a worked solution. */
  @FunctionalInterface
  public interface Solver {
    Solution solve(Problem problem);
  }

  /** Scores a completion. */
  @FunctionalInterface
  public interface Verifier {
    Reward score(Problem problem, String completion);
  }

  /** Checks a record's family-specific content. */
  @FunctionalInterface
  public interface Validator {
    void validate(Problem problem);
  }

  private final String name;
  private final String description;
  private final boolean heldOut;
  private final Map<String, Object> defaults;
  private final Generator generator;
  private final Solver solver;
  private final Verifier verifier;
  private final Validator validator;

  protected ComposedFamily(
      String name,
      String description,
      boolean heldOut,
      Map<String, Object> defaults,
      Generator generator,
      Solver solver,
      Verifier verifier,
      Validator validator) {
    this.name = name;
    this.description = description;
    this.heldOut = heldOut;
    this.defaults = defaults;
    this.generator = generator;
    this.solver = solver;
    this.verifier = verifier;
    this.validator = validator;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public boolean heldOutByDefault() {
    return heldOut;
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return defaults;
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
    validator.validate(problem);
  }
}
