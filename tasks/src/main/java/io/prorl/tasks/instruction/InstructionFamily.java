package io.prorl.tasks.instruction;

import io.prorl.tasks.ComposedFamily;

/** Instruction following (IFEval style): partial credit, the share of instructions followed. */
public final class InstructionFamily extends ComposedFamily {
  public static final String NAME = "instruction";

  public InstructionFamily() {
    super(
        NAME,
        "texts under checkable instructions; share of instructions followed",
        false,
        InstructionGenerator.DEFAULTS,
        new InstructionGenerator()::generate,
        new InstructionSolver()::solve,
        new InstructionVerifier()::score,
        InstructionSpec::of);
  }
}
