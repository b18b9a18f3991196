package io.prorl.tasks.stemmcq;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;

/**
 * Takes the value that the formula gives ({@code verifier.explanation}, written by the generator
 * from the inputs) and picks the option that states it.
 */
final class StemMcqSolver {

  Solution solve(Problem problem) {
    StemMcqSpec spec = StemMcqSpec.of(problem);
    String explanation = Fields.requireString(problem.verifier(), "explanation", "verifier");
    String value = explanation.substring(explanation.lastIndexOf("= ") + 2);
    int index = spec.options().indexOf(value);
    if (index < 0) {
      throw new InvalidProblemException(
          "stem_mcq problem " + problem.id() + ": no option states the computed value " + value);
    }
    String letter = String.valueOf(StemMcqSpec.letter(index));
    return new Solution(
        letter, explanation + "\nThat is option " + letter + ".\n<answer>" + letter + "</answer>");
  }
}
