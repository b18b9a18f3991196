package io.prorl.tasks.boxnet;

import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random boxnet instances: {@code boxes} boxes on a {@code rows} x {@code cols} grid, each with a
 * target in another cell.
 */
final class BoxNetGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final List<String> COLORS =
      List.of("red", "blue", "green", "yellow", "purple", "orange", "cyan", "pink");

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("rows", 2);
    d.put("cols", 2);
    d.put("boxes", 2);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(BoxNetFamily.NAME, DEFAULTS, overrides);
    int rows = knobs.intIn("rows", 1, 20);
    int cols = knobs.intIn("cols", rows == 1 ? 2 : 1, 20);
    int count = knobs.intIn("boxes", 1, 50);

    SplittableRandom rng = Seeds.forProblem(BoxNetFamily.NAME, seed, index);
    List<BoxNetSpec.Box> boxes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = i < COLORS.size() ? COLORS.get(i) : "box" + (i + 1);
      int[] at = {rng.nextInt(rows), rng.nextInt(cols)};
      int[] target;
      do {
        target = new int[] {rng.nextInt(rows), rng.nextInt(cols)};
      } while (target[0] == at[0] && target[1] == at[1]);
      boxes.add(new BoxNetSpec.Box(name, at, target));
    }
    BoxNetSpec spec = new BoxNetSpec(rows, cols, boxes);
    return Problem.generated(BoxNetFamily.NAME, seed, index, knobs, prompt(spec), spec.toMap());
  }

  static String prompt(BoxNetSpec spec) {
    StringBuilder p = new StringBuilder();
    p.append("A grid has ")
        .append(spec.rows())
        .append(" rows and ")
        .append(spec.cols())
        .append(" columns; cells are [row, col], counted from 0. One agent stands in every cell")
        .append(" and is named by its cell.\nBoxes and their targets:\n");
    for (BoxNetSpec.Box b : spec.boxes()) {
      p.append("- box ")
          .append(b.name())
          .append(" at [")
          .append(b.at()[0])
          .append(", ")
          .append(b.at()[1])
          .append("], target at [")
          .append(b.target()[0])
          .append(", ")
          .append(b.target()[1])
          .append("]\n");
    }
    p.append(
        "In each step every agent may do at most one action on a box in its own cell: move it"
            + " to a horizontally or vertically adjacent cell, or, when the box's target is in"
            + " that cell, put it on its target (the box is then done). A box moves at most once"
            + " per step. Bring every box to its target.\nAnswer with a JSON list of steps, each"
            + " a list of actions, inside <answer></answer>, for example <answer>[[{\"agent\":"
            + " [0, 0], \"box\": \"red\", \"to\": [0, 1]}], [{\"agent\": [0, 1], \"box\": \"red\","
            + " \"to\": \"target\"}]]</answer>.");
    return p.toString();
  }
}
