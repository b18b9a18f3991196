package io.kestra.plugin.prorl;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules over all of {@link AssembleDataset}'s entries: generate, sources, outOfDistribution.
 */
final class DatasetEntries {
  private DatasetEntries() {}

  /** The entries' rules; a null list is an expression, checked when rendered. */
  static List<String> violations(List<?> gen, List<?> src, List<?> ood) {
    List<String> out = new ArrayList<>();
    if (gen != null) {
      out.addAll(GeneratedSets.violations(gen, "generate", GeneratedSets.FIELDS));
    }
    if (src != null) {
      out.addAll(SourceEntries.violations(src));
    }
    if (gen != null && src != null) {
      out.addAll(SourceEntries.weightsAllOrNone(gen, src));
    }
    if (gen != null) {
      out.addAll(OutOfDistributionSets.violations(ood, OutOfDistributionSets.trainedFamilies(gen)));
    }
    return out;
  }
}
