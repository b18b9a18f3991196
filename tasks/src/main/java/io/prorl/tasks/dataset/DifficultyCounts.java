package io.prorl.tasks.dataset;

import io.prorl.tasks.Problem;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Problems counted per family and per difficulty, e.g. {@code graph_color -> {"vertices=4": 120,
 * "vertices=5": 118}}. A difficulty is named by the knobs that vary among the family's problems
 * (the curriculum's knobs); when none vary, by all of its knobs, e.g. {@code
 * "colors=3,edgeProbability=0.5,vertices=5"}.
 */
public final class DifficultyCounts {
  private final Map<String, Set<String>> keyKnobs = new TreeMap<>();

  /** Learns, per family, which knobs vary among {@code problems} (all splits together). */
  public DifficultyCounts(Collection<Problem> problems) {
    Map<String, Map<String, Set<Object>>> values = new TreeMap<>();
    for (Problem p : problems) {
      Map<String, Set<Object>> knobs = values.computeIfAbsent(p.family(), f -> new TreeMap<>());
      p.difficulty().forEach((k, v) -> knobs.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
    }
    values.forEach((family, knobs) -> {
      Set<String> varying = new LinkedHashSet<>();
      knobs.forEach((k, vs) -> {
        if (vs.size() > 1) {
          varying.add(k);
        }
      });
      keyKnobs.put(family, varying.isEmpty() ? knobs.keySet() : varying);
    });
  }

  /** The difficulty name of one problem, e.g. {@code "vertices=4"}. */
  public String key(Problem p) {
    Set<String> knobs = keyKnobs.getOrDefault(p.family(), Set.of());
    return knobs.stream()
        .sorted()
        .map(k -> k + "=" + Objects.toString(p.difficulty().get(k)))
        .collect(Collectors.joining(","));
  }

  /** family -> difficulty -> count, families and difficulties sorted. */
  public Map<String, Map<String, Integer>> count(List<Problem> problems) {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    for (Problem p : problems) {
      out.computeIfAbsent(p.family(), f -> new TreeMap<>()).merge(key(p), 1, Integer::sum);
    }
    return out;
  }

  /** family -> count, in the order of first appearance sorted by name. */
  public static Map<String, Integer> perFamily(List<Problem> problems) {
    Map<String, Integer> out = new TreeMap<>();
    problems.forEach(p -> out.merge(p.family(), 1, Integer::sum));
    return new LinkedHashMap<>(out);
  }
}
