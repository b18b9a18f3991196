package io.prorl.tasks.graphcolor;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;
import java.util.ArrayList;
import java.util.List;

/**
 * DSATUR backtracking: colors next the uncolored vertex with the most distinctly colored neighbours
 * (ties: higher degree), trying colors in order, with a bound on the search.
 */
final class GraphColorSolver {
  private static final long MAX_NODES = 5_000_000;

  Solution solve(Problem problem) {
    GraphColorSpec spec = GraphColorSpec.of(problem);
    List<List<Integer>> adjacency = new ArrayList<>();
    for (int v = 0; v < spec.vertices(); v++) {
      adjacency.add(new ArrayList<>());
    }
    for (int[] e : spec.edges()) {
      adjacency.get(e[0]).add(e[1]);
      adjacency.get(e[1]).add(e[0]);
    }
    int[] color = new int[spec.vertices()];
    long[] budget = {MAX_NODES};
    if (!search(adjacency, spec.colors(), color, spec.vertices(), budget)) {
      throw new InvalidProblemException(
          "graph_color problem "
              + problem.id()
              + (budget[0] <= 0 ? ": search budget exhausted" : ": no coloring exists"));
    }
    StringBuilder json = new StringBuilder("{");
    for (int v = 0; v < spec.vertices(); v++) {
      json.append(v == 0 ? "" : ", ").append('"').append(v).append("\": ").append(color[v]);
    }
    json.append('}');
    String answer = json.toString();
    String work =
        "Most constrained vertex first, lowest free color.\n<answer>" + answer + "</answer>";
    return new Solution(answer, work);
  }

  private static boolean search(
      List<List<Integer>> adj, int colors, int[] color, int uncolored, long[] budget) {
    if (uncolored == 0) {
      return true;
    }
    if (--budget[0] < 0) {
      return false;
    }
    int pick = -1;
    int bestSaturation = -1;
    for (int v = 0; v < color.length; v++) {
      if (color[v] != 0) {
        continue;
      }
      int saturation = saturation(adj.get(v), color, colors);
      if (saturation > bestSaturation
          || (saturation == bestSaturation && adj.get(v).size() > adj.get(pick).size())) {
        pick = v;
        bestSaturation = saturation;
      }
    }
    for (int c = 1; c <= colors; c++) {
      if (usable(adj.get(pick), color, c)) {
        color[pick] = c;
        if (search(adj, colors, color, uncolored - 1, budget)) {
          return true;
        }
        color[pick] = 0;
      }
    }
    return false;
  }

  private static int saturation(List<Integer> neighbours, int[] color, int colors) {
    boolean[] seen = new boolean[colors + 1];
    int count = 0;
    for (int n : neighbours) {
      if (color[n] != 0 && !seen[color[n]]) {
        seen[color[n]] = true;
        count++;
      }
    }
    return count;
  }

  private static boolean usable(List<Integer> neighbours, int[] color, int c) {
    for (int n : neighbours) {
      if (color[n] == c) {
        return false;
      }
    }
    return true;
  }
}
