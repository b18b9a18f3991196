package io.prorl.tasks.instruction;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/** Instruction following (IFEval style): partial credit, the share of instructions followed. */
public final class InstructionFamily implements TaskFamily {
  public static final String NAME = "instruction";

  private final InstructionGenerator generator = new InstructionGenerator();
  private final InstructionSolver solver = new InstructionSolver();
  private final InstructionVerifier verifier = new InstructionVerifier();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "texts under checkable instructions; share of instructions followed";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return InstructionGenerator.DEFAULTS;
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
    InstructionSpec.of(problem);
  }
}
