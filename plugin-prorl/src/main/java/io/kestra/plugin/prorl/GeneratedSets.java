package io.kestra.plugin.prorl;

import io.prorl.tasks.Json;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.dataset.DifficultySpec;
import io.prorl.tasks.dataset.GeneratedSet;
import io.prorl.tasks.dataset.Mix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * The {@code generate} entries of {@link AssembleDataset}: {family, count, seed, difficulty,
 * weight}; also the generated part of an {@code outOfDistribution} entry. The rules live in {@link
 * GeneratedSet} and {@link Mix}; this class reads the flow's maps and names the entry.
 */
final class GeneratedSets {
  static final List<String> FIELDS = List.of("family", "count", "seed", "difficulty", "weight");
  private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};

  private GeneratedSets() {}

  /** A literal list property (JSON or YAML flow style), or empty when it is no literal list. */
  static Optional<List<Object>> parse(String literal) {
    try {
      return Optional.of(Json.MAPPER.readValue(literal, LIST));
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  /** Violations of the entries under {@code property}, e.g. "generate[1].family: unknown ...". */
  static List<String> violations(List<?> sets, String property, List<String> fields) {
    List<String> out = new ArrayList<>();
    TaskFamilies families = TaskFamilies.builtIn();
    for (int i = 0; i < sets.size(); i++) {
      String at = property + "[" + i + "]";
      if (!(sets.get(i) instanceof Map<?, ?>)) {
        out.add(at + ": expected a map {" + String.join(", ", fields) + "}, got " + sets.get(i));
        continue;
      }
      Map<String, Object> s = cast(sets.get(i));
      Long count = integer(s.get("count"));
      if (count == null) {
        out.add(at + ".count must be a positive integer, got " + s.get("count"));
      }
      if (s.get("seed") != null && integer(s.get("seed")) == null) {
        out.add(at + ".seed must be an integer, got " + s.get("seed"));
      }
      Object difficulty = s.get("difficulty");
      if (difficulty != null && !(difficulty instanceof Map)) {
        out.add(at + ".difficulty must be a map of the family's knobs, got " + difficulty);
        difficulty = null;
      }
      out.addAll(
          GeneratedSet.violations(
              at,
              families,
              s.get("family"),
              count == null ? 1 : count,
              difficulty == null ? Map.of() : cast(difficulty)));
      if (s.containsKey("weight")) {
        Double w = number(s.get("weight"));
        out.addAll(
            w == null
                ? List.of(at + ".weight must be a positive number, got " + s.get("weight"))
                : Mix.weightViolations(w, at));
      }
      for (String key : s.keySet()) {
        if (!fields.contains(key)) {
          out.add(at + "." + key + ": unknown field (" + String.join(", ", fields) + ")");
        }
      }
    }
    return out;
  }

  /** An integer from a number or a rendered expression's text, else null. */
  static Long integer(Object o) {
    if (o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (o instanceof String t && t.strip().matches("-?\\d{1,18}")) {
      return Long.parseLong(t.strip());
    }
    return null;
  }

  /** A number from a number or its text, else null. */
  static Double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return o instanceof String t ? Double.parseDouble(t.strip()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** An entry that passed {@link #violations} as the tasks' record. */
  static GeneratedSet of(Map<String, Object> s) {
    Object seed = s.get("seed");
    Object difficulty = s.get("difficulty");
    Double weight = s.containsKey("weight") ? number(s.get("weight")) : null;
    return new GeneratedSet(
        (String) s.get("family"),
        integer(s.get("count")).intValue(),
        seed == null ? GeneratedSet.DEFAULT_SEED : integer(seed),
        new DifficultySpec(difficulty == null ? Map.of() : cast(difficulty)),
        weight == null ? OptionalDouble.empty() : OptionalDouble.of(weight));
  }
}
