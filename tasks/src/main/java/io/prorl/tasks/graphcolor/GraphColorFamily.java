package io.prorl.tasks.graphcolor;

import io.prorl.tasks.ComposedFamily;

/** Logic: color a graph with k colors; partial credit, the share of constraints met. */
public final class GraphColorFamily extends ComposedFamily {
  public static final String NAME = "graph_color";

  public GraphColorFamily() {
    super(
        NAME,
        "k-coloring of a random graph with a planted coloring; share of constraints met",
        false,
        GraphColorGenerator.DEFAULTS,
        new GraphColorGenerator()::generate,
        new GraphColorSolver()::solve,
        new GraphColorVerifier()::score,
        GraphColorSpec::of);
  }
}
