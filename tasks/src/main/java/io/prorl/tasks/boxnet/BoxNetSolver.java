package io.prorl.tasks.boxnet;

import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves every box along a shortest path (rows first, then columns) in parallel: in each step each
 * box not yet done is moved one cell closer, or put on its target, by the agent of its cell, one
 * action per agent per step.
 */
final class BoxNetSolver {

  Solution solve(Problem problem) {
    BoxNetSpec spec = BoxNetSpec.of(problem);
    Map<String, int[]> position = new LinkedHashMap<>();
    for (BoxNetSpec.Box b : spec.boxes()) {
      position.put(b.name(), b.at().clone());
    }
    List<List<Map<String, Object>>> plan = new ArrayList<>();
    StringBuilder work = new StringBuilder();
    while (!position.isEmpty()) {
      List<Map<String, Object>> step = new ArrayList<>();
      Set<String> busy = new HashSet<>();
      for (BoxNetSpec.Box b : spec.boxes()) {
        int[] at = position.get(b.name());
        if (at == null || !busy.add(at[0] + "," + at[1])) {
          continue;
        }
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("agent", List.of(at[0], at[1]));
        action.put("box", b.name());
        int[] t = b.target();
        if (at[0] == t[0] && at[1] == t[1]) {
          action.put("to", "target");
          position.remove(b.name());
        } else {
          if (at[0] != t[0]) {
            at[0] += Integer.signum(t[0] - at[0]);
          } else {
            at[1] += Integer.signum(t[1] - at[1]);
          }
          action.put("to", List.of(at[0], at[1]));
        }
        step.add(action);
      }
      plan.add(step);
      work.append("Step ").append(plan.size()).append(": ");
      for (int i = 0; i < step.size(); i++) {
        Map<String, Object> a = step.get(i);
        work.append(i == 0 ? "" : "; ")
            .append("agent ")
            .append(a.get("agent"))
            .append(" moves ")
            .append(a.get("box"))
            .append(" to ")
            .append(a.get("to"));
      }
      work.append('\n');
    }
    String answer = Json.MAPPER.writeValueAsString(plan);
    work.append("<answer>").append(answer).append("</answer>");
    return new Solution(answer, work.toString());
  }
}
