package io.prorl.tasks.instruction;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.ArrayList;
import java.util.List;

/** Partial credit: the share of the prompt's instructions that the answer text follows. */
final class InstructionVerifier {

  Reward score(Problem problem, String completion) {
    Answer answer = AnswerExtractor.extract(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    InstructionSpec spec = InstructionSpec.of(problem);
    ResponseText response = ResponseText.of(answer.text());
    List<String> unmet = new ArrayList<>();
    for (Constraint c : spec.constraints()) {
      if (!c.isMet(response)) {
        unmet.add(c.type());
      }
    }
    int total = spec.constraints().size();
    int met = total - unmet.size();
    return Reward.partial(
        met,
        total,
        unmet.isEmpty()
            ? "all " + total + " instructions followed"
            : met + " of " + total + " instructions followed; not followed: " + unmet);
  }
}
