package io.prorl.tasks.code;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;

/** The worked solution: one sentence of plan, then the kind's Python reference program. */
final class CodeSolver {

  Solution solve(Problem problem) {
    CodeSpec spec = CodeSpec.of(problem);
    String program = spec.kind().referenceProgram();
    String completion =
        "Read n and the n integers, then: "
            + spec.kind().task()
            + "\n"
            + CodeAnswer.OPEN
            + "\n"
            + program
            + "```";
    return new Solution(program, completion);
  }
}
