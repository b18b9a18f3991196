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
 * @param scoring how a wrong coloring is credited: {@link #CONSTRAINTS} or {@link #REASONING_GYM}
 */
public record GraphColorSpec(int vertices, int colors, List<int[]> edges, String scoring) {

  /** Partial credit: the share of constraints met (today's default). */
  public static final String CONSTRAINTS = "constraints";

  /**
   * Reasoning Gym's {@code GraphColorDataset.score_answer}: 1 for a proper coloring, 0.01 for any
   * other JSON answer, 0 for none.
   */
  public static final String REASONING_GYM = "reasoning_gym";

  public static final String DEFAULT_SCORING = CONSTRAINTS;

  /** The scoring rule named by {@code value}, or a message naming {@code field}. */
  public static List<String> scoringViolations(Object value, String field) {
    return CONSTRAINTS.equals(value) || REASONING_GYM.equals(value)
        ? List.of()
        : List.of(field + ": must be constraints or reasoning_gym, got " + value);
  }

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
    Object scoring = v.getOrDefault("scoring", DEFAULT_SCORING);
    List<String> bad = scoringViolations(scoring, "verifier.scoring");
    if (!bad.isEmpty()) {
      throw new InvalidProblemException(bad.get(0));
    }
    return new GraphColorSpec(vertices, colors, edges, (String) scoring);
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
    if (!DEFAULT_SCORING.equals(scoring)) {
      m.put("scoring", scoring); // records of the default rule stay as they were
    }
    return m;
  }
}
