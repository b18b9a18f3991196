package io.prorl.tasks.arithmetic;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Fraction;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;

/** Binary: 1 when the answer equals the exact value, whatever its spelling, else 0. */
final class ArithmeticVerifier {

  Reward score(Problem problem, String completion) {
    Answer answer = AnswerExtractor.extractAscii(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    Fraction given;
    try {
      given = MathAnswer.parse(answer.text());
    } catch (NumberFormatException e) {
      return Reward.formatFailure("answer is not a number: " + e.getMessage());
    }
    Fraction expected = ArithmeticSpec.of(problem).answer();
    return given.equals(expected)
        ? Reward.correct("answer " + given + " is the exact value")
        : Reward.wrong("answer " + given + " differs from the exact value");
  }
}
