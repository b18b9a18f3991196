package io.kestra.plugin.prorl;

import io.prorl.tasks.dataset.GeneratedSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code outOfDistribution} entries of {@link AssembleDataset}: named generated sets {name,
 * family, count, seed, difficulty}, each written to its own JSONL file and used as an evaluation
 * set for decontamination.
 */
final class OutOfDistributionSets {
  static final String PROPERTY = "outOfDistribution";
  static final List<String> FIELDS = List.of("name", "family", "count", "seed", "difficulty");

  private OutOfDistributionSets() {}

  /** One named set. */
  record Named(String name, GeneratedSet set) {}

  /**
   * The entries' violations: the generated-set rules, plus a name that is present, unique, a plain
   * file name and not the name of a trained family (e.g. {@code outOfDistribution[1].name: 'boxnet'
   * is also a trained family; name the set apart, e.g. boxnet_ood}).
   */
  static List<String> violations(List<?> entries, Set<String> trainedFamilies) {
    List<String> out = new ArrayList<>(GeneratedSets.violations(entries, PROPERTY, FIELDS));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!(entries.get(i) instanceof Map<?, ?> m)) {
        continue;
      }
      String at = PROPERTY + "[" + i + "].name";
      Object name = m.get("name");
      if (!(name instanceof String n) || !n.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
        out.add(at + ": a name of letters, digits, '_', '.', '-' is required, got " + name);
      } else if (!seen.add(n)) {
        out.add(at + ": '" + n + "' names two sets");
      } else if (trainedFamilies.contains(n)) {
        out.add(
            at + ": '" + n + "' is also a trained family; name the set apart, e.g. " + n + "_ood");
      }
    }
    return out;
  }

  /** The families the {@code generate} entries train on. */
  static Set<String> trainedFamilies(List<?> generate) {
    Set<String> out = new HashSet<>();
    for (Object g : generate) {
      if (g instanceof Map<?, ?> m && m.get("family") instanceof String f) {
        out.add(f);
      }
    }
    return out;
  }

  /** Entries that passed {@link #violations}. */
  static List<Named> of(List<?> entries) {
    List<Named> out = new ArrayList<>();
    for (Object e : entries) {
      Map<String, Object> m = new java.util.LinkedHashMap<>(GeneratedSets.cast(e));
      String name = (String) m.remove("name");
      out.add(new Named(name, GeneratedSets.of(m)));
    }
    return out;
  }
}
