package io.prorl.tasks.graphcolor;

import io.prorl.tasks.Answer;
import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Two rules, chosen by the problem's {@code verifier.scoring}. {@code reasoning_gym}: Reasoning
 * Gym's {@code GraphColorDataset.score_answer} (reasoning_gym/algorithmic/graph_color.py): 1.0 for
 * a proper coloring, 0.01 for an answer that parses as JSON but is not one, 0.0 otherwise - no
 * partial credit for a wrong coloring. {@code constraints} (the default): partial credit, the share
 * of constraints met. The constraints are: every vertex has a color in 1..colors, and every edge
 * joins two different colors (an edge with an uncolored end is not met). Full credit is a proper
 * coloring. An answer that is no JSON object is a format failure.
 */
final class GraphColorVerifier {

  Reward score(Problem problem, String completion) {
    Answer answer = AnswerExtractor.extract(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    Json.Parsed parsed = Json.parseAnswer(answer.text());
    if (parsed.node() == null) {
      return Reward.formatFailure(parsed.failure());
    }
    GraphColorSpec spec = GraphColorSpec.of(problem);
    boolean reasoningGym = GraphColorSpec.REASONING_GYM.equals(spec.scoring());
    if (!parsed.node().isObject()) {
      String reason = "answer must be a JSON object mapping vertices to colors";
      // score_answer: a JSON list fails verification (0.01); a scalar raises (0.0)
      return reasoningGym && parsed.node().isArray()
          ? Reward.partial(REASONING_GYM_PARSABLE, reason)
          : Reward.formatFailure(reason);
    }
    Reward byConstraints = constraints(spec, parsed.node());
    if (reasoningGym && !byConstraints.correct()) {
      // score_answer: "return 0.01  # json parsable"
      return Reward.partial(REASONING_GYM_PARSABLE, byConstraints.reason());
    }
    return byConstraints;
  }

  /** Reasoning Gym's credit for a JSON answer that is not a proper coloring. */
  static final double REASONING_GYM_PARSABLE = 0.01;

  private static Reward constraints(GraphColorSpec spec, JsonNode answer) {
    int[] color = new int[spec.vertices()];
    String firstProblem = null;
    for (Map.Entry<String, JsonNode> e : answer.properties()) {
      int vertex = vertexIndex(e.getKey(), spec.vertices());
      JsonNode c = e.getValue();
      if (vertex < 0) {
        firstProblem = first(firstProblem, "'" + clip(e.getKey()) + "' is not a vertex");
      } else if (!c.isIntegralNumber() || c.asLong() < 1 || c.asLong() > spec.colors()) {
        firstProblem =
            first(firstProblem, "vertex " + vertex + " has no color in 1.." + spec.colors());
      } else {
        color[vertex] = c.asInt();
      }
    }
    int met = 0;
    int total = spec.vertices() + spec.edges().size();
    for (int v = 0; v < spec.vertices(); v++) {
      if (color[v] != 0) {
        met++;
      } else {
        firstProblem = first(firstProblem, "vertex " + v + " is not colored");
      }
    }
    for (int[] edge : spec.edges()) {
      int a = color[edge[0]];
      int b = color[edge[1]];
      if (a != 0 && a != b) {
        met++;
      } else if (a != 0) {
        firstProblem =
            first(firstProblem, "edge (" + edge[0] + ", " + edge[1] + ") joins color " + a);
      }
    }
    String reason =
        met == total
            ? "proper coloring"
            : met + " of " + total + " constraints met; first problem: " + firstProblem;
    return Reward.partial(met, total, reason);
  }

  private static int vertexIndex(String key, int vertices) {
    if (key.isEmpty() || key.length() > 6) {
      return -1;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return -1;
      }
    }
    int v = Integer.parseInt(key);
    return v < vertices ? v : -1;
  }

  private static String first(String existing, String candidate) {
    return existing != null ? existing : candidate;
  }

  private static String clip(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }
}
