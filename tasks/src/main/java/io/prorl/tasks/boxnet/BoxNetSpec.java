package io.prorl.tasks.boxnet;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the boxnet verifier needs: a grid with one agent per cell and boxes to bring to their
 * targets.
 *
 * @param rows grid rows
 * @param cols grid columns
 * @param boxes each box's name, start cell and target cell
 */
public record BoxNetSpec(int rows, int cols, List<Box> boxes) {

  /** A box, its start cell and its target cell ({@code [row, col]}). */
  public record Box(String name, int[] at, int[] target) {}

  public BoxNetSpec {
    boxes = List.copyOf(boxes);
  }

  public static BoxNetSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    int rows = Fields.requireInt(v, "rows", "verifier");
    int cols = Fields.requireInt(v, "cols", "verifier");
    if (rows < 1 || cols < 1) {
      throw new InvalidProblemException(
          "verifier.rows/cols: the grid needs at least one cell, got " + rows + "x" + cols);
    }
    List<?> raw = Fields.requireList(v, "boxes", "verifier");
    List<Box> boxes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String path = "verifier.boxes[" + i + "]";
      Map<String, Object> b = Fields.object(raw.get(i), path);
      String name = Fields.requireString(b, "name", path);
      if (!names.add(name)) {
        throw new InvalidProblemException(path + ".name: duplicate box name '" + name + "'");
      }
      int[] at = cell(Fields.require(b, "at", path), path + ".at", rows, cols);
      int[] target = cell(Fields.require(b, "target", path), path + ".target", rows, cols);
      boxes.add(new Box(name, at, target));
    }
    if (boxes.isEmpty()) {
      throw new InvalidProblemException("verifier.boxes: at least one box is needed");
    }
    return new BoxNetSpec(rows, cols, boxes);
  }

  private static int[] cell(Object raw, String path, int rows, int cols) {
    List<Integer> rc = Fields.intList(raw, path);
    if (rc.size() != 2
        || rc.get(0) < 0
        || rc.get(0) >= rows
        || rc.get(1) < 0
        || rc.get(1) >= cols) {
      throw new InvalidProblemException(
          path + ": expected a cell [row, col] inside the " + rows + "x" + cols + " grid");
    }
    return new int[] {rc.get(0), rc.get(1)};
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("cols", cols);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Box b : boxes) {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("name", b.name());
      bm.put("at", List.of(b.at()[0], b.at()[1]));
      bm.put("target", List.of(b.target()[0], b.target()[1]));
      list.add(bm);
    }
    m.put("boxes", list);
    return m;
  }
}
