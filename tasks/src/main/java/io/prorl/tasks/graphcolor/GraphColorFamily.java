package io.prorl.tasks.graphcolor;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamily;
import java.util.Map;

/** Logic: color a graph with k colors; partial credit, the share of constraints met. */
public final class GraphColorFamily implements TaskFamily {
  public static final String NAME = "graph_color";

  private final GraphColorGenerator generator = new GraphColorGenerator();
  private final GraphColorSolver solver = new GraphColorSolver();
  private final GraphColorVerifier verifier = new GraphColorVerifier();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "k-coloring of a random graph with a planted coloring; share of constraints met";
  }

  @Override
  public Map<String, Object> defaultDifficulty() {
    return GraphColorGenerator.DEFAULTS;
  }

  @Override
  public Problem generate(Map<String, ?> difficulty, long seed, int index) {
    return generator.generate(difficulty, seed, index);
  }

  @Override
  public Solution solve(Problem problem) {
    return solver.solve(problem);
  }

  @Override
  public Reward score(Problem problem, String completion) {
    return verifier.score(problem, completion);
  }

  @Override
  public void validate(Problem problem) {
    GraphColorSpec.of(problem);
  }
}
