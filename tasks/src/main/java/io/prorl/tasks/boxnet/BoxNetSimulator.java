package io.prorl.tasks.boxnet;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Plays a plan on a boxnet instance step by step under the rules of the prompt. The first invalid
 * action stops the simulation; the boxes delivered until then count.
 */
final class BoxNetSimulator {
  static final int MAX_STEPS = 1_000;

  /**
   * @param delivered boxes on their targets when the simulation ended
   * @param error the first broken rule, or null when the whole plan was valid
   */
  record Outcome(int delivered, String error) {}

  static Outcome run(BoxNetSpec spec, JsonNode plan) {
    if (!plan.isArray()) {
      return new Outcome(0, "the plan must be a JSON list of steps");
    }
    if (plan.size() > MAX_STEPS) {
      return new Outcome(0, "the plan has " + plan.size() + " steps, over " + MAX_STEPS);
    }
    Map<String, int[]> position = new HashMap<>();
    Map<String, int[]> targets = new HashMap<>();
    for (BoxNetSpec.Box b : spec.boxes()) {
      position.put(b.name(), b.at().clone());
      targets.put(b.name(), b.target());
    }
    int delivered = 0;
    for (int s = 0; s < plan.size(); s++) {
      JsonNode step = plan.get(s);
      if (!step.isArray()) {
        return new Outcome(delivered, "step " + (s + 1) + " is not a list of actions");
      }
      Set<String> agentsActed = new HashSet<>();
      Set<String> boxesMoved = new HashSet<>();
      for (int a = 0; a < step.size(); a++) {
        String where = "step " + (s + 1) + ", action " + (a + 1) + ": ";
        JsonNode action = step.get(a);
        if (!action.isObject()) {
          return new Outcome(delivered, where + "not an object");
        }
        int[] agent = cell(action.get("agent"));
        JsonNode boxNode = action.get("box");
        JsonNode to = action.get("to");
        if (agent == null || boxNode == null || !boxNode.isString() || to == null) {
          return new Outcome(delivered, where + "needs agent [row, col], box and to");
        }
        String box = boxNode.asString();
        int[] at = position.get(box);
        if (at == null) {
          return new Outcome(delivered, where + "no box '" + clip(box) + "' on the grid");
        }
        if (at[0] != agent[0] || at[1] != agent[1]) {
          return new Outcome(delivered, where + "box " + box + " is not in the agent's cell");
        }
        if (!agentsActed.add(agent[0] + "," + agent[1])) {
          return new Outcome(delivered, where + "the agent already acted in this step");
        }
        if (!boxesMoved.add(box)) {
          return new Outcome(delivered, where + "box " + box + " already moved in this step");
        }
        if (to.isString() && to.asString().equals("target")) {
          int[] target = targets.get(box);
          if (target[0] != at[0] || target[1] != at[1]) {
            return new Outcome(delivered, where + "the target of " + box + " is not in this cell");
          }
          position.remove(box);
          delivered++;
          continue;
        }
        int[] dest = cell(to);
        if (dest == null
            || dest[0] < 0
            || dest[0] >= spec.rows()
            || dest[1] < 0
            || dest[1] >= spec.cols()
            || Math.abs(dest[0] - at[0]) + Math.abs(dest[1] - at[1]) != 1) {
          return new Outcome(delivered, where + "'to' must be \"target\" or an adjacent cell");
        }
        at[0] = dest[0];
        at[1] = dest[1];
      }
    }
    return new Outcome(delivered, null);
  }

  private static int[] cell(JsonNode node) {
    if (node == null
        || !node.isArray()
        || node.size() != 2
        || !node.get(0).isIntegralNumber()
        || !node.get(1).isIntegralNumber()) {
      return null;
    }
    return new int[] {node.get(0).asInt(), node.get(1).asInt()};
  }

  private static String clip(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }
}
