package io.prorl.tasks.boxnet;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;

/**
 * Simulates the plan. Reward as in Reasoning Gym's boxnet: max(0.05, share of boxes on their
 * targets) for a plan that parses; full credit when every box is delivered. A plan that is no JSON
 * is a format failure (0).
 */
final class BoxNetVerifier {
  static final double FLOOR = 0.05;

  Reward score(Problem problem, String completion) {
    Answer answer = AnswerExtractor.extract(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    Json.Parsed parsed = Json.parseAnswer(answer.text());
    if (parsed.node() == null) {
      return Reward.formatFailure(parsed.failure());
    }
    BoxNetSpec spec = BoxNetSpec.of(problem);
    BoxNetSimulator.Outcome outcome = BoxNetSimulator.run(spec, parsed.node());
    int total = spec.boxes().size();
    String reason =
        outcome.delivered()
            + " of "
            + total
            + " boxes on their targets"
            + (outcome.error() == null ? "" : "; stopped at " + outcome.error());
    if (outcome.delivered() == total) {
      return Reward.correct(reason);
    }
    return Reward.partial(Math.max(FLOOR, (double) outcome.delivered() / total), reason);
  }
}
