package io.kestra.plugin.prorl;

import io.prorl.tasks.dataset.Mix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The {@code sources} entries of {@link AssembleDataset}: a plain URI, or {@code {uri, weight}}
 * when the file gets a share of the training mix.
 */
final class SourceEntries {
  private SourceEntries() {}

  /** One problem file and its share of the mix, if any. */
  record Source(String uri, OptionalDouble weight) {}

  static List<String> violations(List<?> entries) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = "sources[" + i + "]";
      Object e = entries.get(i);
      if (e instanceof String) {
        continue;
      }
      if (!(e instanceof Map<?, ?>)) {
        out.add(at + ": expected a URI or {uri, weight}, got " + e);
        continue;
      }
      Map<String, Object> m = GeneratedSets.cast(e);
      if (!(m.get("uri") instanceof String uri) || uri.isBlank()) {
        out.add(at + ".uri: a problem JSONL URI is required, got " + m.get("uri"));
      }
      if (m.containsKey("weight")) {
        Double w = GeneratedSets.number(m.get("weight"));
        out.addAll(
            w == null
                ? List.of(at + ".weight must be a positive number, got " + m.get("weight"))
                : Mix.weightViolations(w, at));
      }
      for (String key : m.keySet()) {
        if (!List.of("uri", "weight").contains(key)) {
          out.add(at + "." + key + ": unknown field (uri, weight)");
        }
      }
    }
    return out;
  }

  /** Entries that passed {@link #violations}. */
  static List<Source> of(List<?> entries) {
    List<Source> out = new ArrayList<>();
    for (Object e : entries) {
      if (e instanceof String uri) {
        out.add(new Source(uri, OptionalDouble.empty()));
      } else {
        Map<String, Object> m = GeneratedSets.cast(e);
        Double w = m.containsKey("weight") ? GeneratedSets.number(m.get("weight")) : null;
        out.add(
            new Source(
                (String) m.get("uri"), w == null ? OptionalDouble.empty() : OptionalDouble.of(w)));
      }
    }
    return out;
  }

  /** Weights on every generate and sources entry or on none (the rule in {@link Mix}). */
  static List<String> weightsAllOrNone(List<?> generate, List<?> sources) {
    List<String> weighted = new ArrayList<>();
    List<String> unweighted = new ArrayList<>();
    for (int i = 0; i < generate.size(); i++) {
      boolean has = generate.get(i) instanceof Map<?, ?> m && m.containsKey("weight");
      (has ? weighted : unweighted).add("generate[" + i + "]");
    }
    for (int i = 0; i < sources.size(); i++) {
      boolean has = sources.get(i) instanceof Map<?, ?> m && m.containsKey("weight");
      (has ? weighted : unweighted).add("sources[" + i + "]");
    }
    return Mix.allOrNone(weighted, unweighted);
  }
}
