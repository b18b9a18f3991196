package io.prorl.tasks.graphcolor;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Random graphs with a planted coloring, so a coloring with {@code colors} colors always exists:
 * each vertex gets a hidden color and each pair of differently colored vertices is joined with
 * probability {@code edgeProbability}. Knobs follow Reasoning Gym (10 vertices, p 0.4, 3 colors);
 * raise {@code vertices} for out-of-distribution sizes.
 */
final class GraphColorGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("vertices", 10);
    d.put("edgeProbability", 0.4);
    d.put("colors", 3);
    d.put("scoring", GraphColorSpec.DEFAULT_SCORING);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(GraphColorFamily.NAME, DEFAULTS, overrides);
    int vertices = knobs.intIn("vertices", 2, 500);
    double p = knobs.doubleIn("edgeProbability", 0.0, 1.0);
    int colors = knobs.intIn("colors", 2, 20);
    Object scoring = knobs.asMap().get("scoring");
    List<String> bad = GraphColorSpec.scoringViolations(scoring, "graph_color difficulty.scoring");
    if (!bad.isEmpty()) {
      throw new InvalidProblemException(bad.get(0));
    }

    SplittableRandom rng = Seeds.forProblem(GraphColorFamily.NAME, seed, index);
    int[] hidden = new int[vertices];
    for (int v = 0; v < vertices; v++) {
      hidden[v] = rng.nextInt(colors);
    }
    List<int[]> edges = new ArrayList<>();
    for (int u = 0; u < vertices; u++) {
      for (int v = u + 1; v < vertices; v++) {
        if (hidden[u] != hidden[v] && rng.nextDouble() < p) {
          edges.add(new int[] {u, v});
        }
      }
    }
    GraphColorSpec spec = new GraphColorSpec(vertices, colors, edges, (String) scoring);
    return Problem.generated(GraphColorFamily.NAME, seed, index, knobs, prompt(spec), spec.toMap());
  }

  static String prompt(GraphColorSpec spec) {
    String edges =
        spec.edges().stream()
            .map(e -> "(" + e[0] + ", " + e[1] + ")")
            .collect(Collectors.joining(", "));
    return "Color the vertices of this undirected graph so that no edge joins two vertices of the"
        + " same color.\nVertices: 0 to "
        + (spec.vertices() - 1)
        + "\nEdges: "
        + (edges.isEmpty() ? "none" : edges)
        + "\nColors: 1 to "
        + spec.colors()
        + "\nGive every vertex a color. Answer with a JSON object that maps each vertex to its"
        + " color inside <answer></answer>, for example <answer>{\"0\": 1, \"1\": 2}</answer>.";
  }
}
