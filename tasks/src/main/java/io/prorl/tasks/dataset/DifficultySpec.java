package io.prorl.tasks.dataset;

import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A family's difficulty knobs as a curriculum: each knob is a scalar (every problem gets it), a
 * list (each problem draws one element) or an integer range {@code {min: 4, max: 6}} (each problem
 * draws an integer in [min, max]). The draws come from the problem's own seeded stream, so problem
 * {@code index} of {@code seed} always gets the same knobs whatever else was generated; a spec of
 * scalars only passes the knobs through unchanged (today's problems, bit for bit).
 *
 * @param knobs knob name to scalar, list or {min, max} map, as written in the flow
 */
public record DifficultySpec(Map<String, Object> knobs) {

  public static final DifficultySpec NONE = new DifficultySpec(Map.of());

  public DifficultySpec {
    knobs = knobs == null ? Map.of() : new LinkedHashMap<>(knobs);
    List<String> bad = violations(knobs, "difficulty");
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /**
   * The shape rule of a curriculum, each message naming the knob under {@code at}, e.g. {@code
   * generate[0].difficulty.vertices: a range needs integer min <= max, got {min=6, max=4}}.
   */
  public static List<String> violations(Map<String, ?> knobs, String at) {
    List<String> out = new ArrayList<>();
    if (knobs == null) {
      return out;
    }
    for (Map.Entry<String, ?> e : knobs.entrySet()) {
      String path = at + "." + e.getKey();
      Object v = e.getValue();
      if (v instanceof List<?> list && list.isEmpty()) {
        out.add(path + ": a list of values must not be empty");
      } else if (v instanceof Map<?, ?> range) {
        Long min = integer(range.get("min"));
        Long max = integer(range.get("max"));
        if (range.size() != 2 || min == null || max == null || min > max) {
          out.add(path + ": a range needs integer min <= max ({min: 4, max: 6}), got " + v);
        }
      }
    }
    return out;
  }

  /** Whether every knob is a scalar: all problems share the same knobs. */
  public boolean isFixed() {
    return knobs.values().stream().noneMatch(v -> v instanceof List || v instanceof Map);
  }

  /**
   * The knobs of problem {@code index} of {@code family}'s stream of {@code seed}: scalars as
   * given, one element of each list and one integer of each range, drawn uniformly from a stream of
   * its own (independent of the generator's stream, so fixed knobs change nothing).
   */
  public Map<String, Object> draw(String family, long seed, int index) {
    if (isFixed()) {
      return knobs;
    }
    SplittableRandom rng = Seeds.forProblem(family + "#difficulty", seed, index);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : knobs.entrySet()) {
      Object v = e.getValue();
      if (v instanceof List<?> list) {
        out.put(e.getKey(), list.get(rng.nextInt(list.size())));
      } else if (v instanceof Map<?, ?> range) {
        long min = integer(range.get("min"));
        long max = integer(range.get("max"));
        long drawn = min + rng.nextLong(max - min + 1);
        out.put(e.getKey(), drawn == (int) drawn ? (Object) (int) drawn : (Object) drawn);
      } else {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  /** An integer from a whole number or its text, else null. */
  static Long integer(Object o) {
    if (o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (o instanceof String t && t.strip().matches("-?\\d{1,18}")) {
      return Long.parseLong(t.strip());
    }
    return null;
  }
}
