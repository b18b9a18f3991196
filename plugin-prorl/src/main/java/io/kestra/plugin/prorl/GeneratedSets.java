package io.kestra.plugin.prorl;

import io.prorl.tasks.Json;
import io.prorl.tasks.TaskFamilies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/** The {@code generate} entries of {@link AssembleDataset}: {family, count, seed, difficulty}. */
final class GeneratedSets {
  private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {};

  private GeneratedSets() {}

  record Set(String family, int count, long seed, Map<String, Object> difficulty) {}

  static Optional<List<Map<String, Object>>> parse(String literal) {
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

  /** Violations naming the entry, e.g. "generate[1].family: unknown family 'foo' (known: ...)". */
  static List<String> violations(List<Map<String, Object>> sets, TaskFamilies families) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      Map<String, Object> s = sets.get(i);
      String at = "generate[" + i + "]";
      Object family = s.get("family");
      if (!(family instanceof String f) || !families.names().contains(f)) {
        out.add(at + ".family: unknown family '" + family + "' (known: " + families.names() + ")");
      }
      Object count = s.get("count");
      Long n = integer(count);
      if (n == null || n < 1) {
        out.add(at + ".count must be a positive integer, got " + count);
      }
      if (s.get("seed") != null && integer(s.get("seed")) == null) {
        out.add(at + ".seed must be an integer, got " + s.get("seed"));
      }
      Object difficulty = s.get("difficulty");
      if (difficulty != null && !(difficulty instanceof Map)) {
        out.add(at + ".difficulty must be a map of the family's knobs, got " + difficulty);
      }
      for (String key : s.keySet()) {
        if (!List.of("family", "count", "seed", "difficulty").contains(key)) {
          out.add(at + "." + key + ": unknown field (family, count, seed, difficulty)");
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

  static Set of(Map<String, Object> s) {
    Object seed = s.get("seed");
    Object difficulty = s.get("difficulty");
    return new Set(
        (String) s.get("family"),
        integer(s.get("count")).intValue(),
        seed == null ? 0L : integer(seed),
        difficulty == null ? Map.of() : cast(difficulty));
  }
}
