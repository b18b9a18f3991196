package io.prorl.tasks.graphcolor;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the graph-coloring verifier needs.
 *
 * @param vertices number of vertices, named 0 .. vertices-1
 * @param colors number of colors, named 1 .. colors
 * @param edges undirected edges as pairs {@code [u, v]}, u != v
 */
public record GraphColorSpec(int vertices, int colors, List<int[]> edges) {

  public static GraphColorSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    int vertices = Fields.requireInt(v, "vertices", "verifier");
    int colors = Fields.requireInt(v, "colors", "verifier");
    if (vertices < 1) {
      throw new InvalidProblemException("verifier.vertices: must be at least 1, got " + vertices);
    }
    if (colors < 1) {
      throw new InvalidProblemException("verifier.colors: must be at least 1, got " + colors);
    }
    List<?> raw = Fields.requireList(v, "edges", "verifier");
    List<int[]> edges = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      String path = "verifier.edges[" + i + "]";
      List<Integer> pair = Fields.intList(raw.get(i), path);
      if (pair.size() != 2) {
        throw new InvalidProblemException(path + ": an edge has 2 endpoints, found " + pair.size());
      }
      for (int k = 0; k < 2; k++) {
        if (pair.get(k) < 0 || pair.get(k) >= vertices) {
          throw new InvalidProblemException(
              path + "[" + k + "]: vertex " + pair.get(k) + " outside 0.." + (vertices - 1));
        }
      }
      if (pair.get(0).equals(pair.get(1))) {
        throw new InvalidProblemException(path + ": a self-loop cannot be colored");
      }
      edges.add(new int[] {pair.get(0), pair.get(1)});
    }
    return new GraphColorSpec(vertices, colors, edges);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vertices", vertices);
    m.put("colors", colors);
    List<List<Integer>> e = new ArrayList<>(edges.size());
    for (int[] edge : edges) {
      e.add(List.of(edge[0], edge[1]));
    }
    m.put("edges", e);
    return m;
  }
}
