package io.kestra.plugin.prorl;

import io.prorl.tasks.dataset.DatasetAssembler;
import io.prorl.tasks.dataset.Decontamination;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules over all of {@link AssembleDataset}'s entries: generate, sources, outOfDistribution.
 */
final class DatasetEntries {
  private DatasetEntries() {}

  /** The task's rules that can be checked before it runs (literal values only). */
  static List<String> staticViolations(AssembleDataset task) {
    List<String> out = new ArrayList<>();
    StaticValues.number(task.getValidationFraction())
        .ifPresent(v -> out.addAll(DatasetAssembler.Config.violations(v)));
    Double n =
        StaticValues.number(task.getNgramSize())
            .orElse((double) Decontamination.DEFAULT_NGRAM_SIZE);
    Double o =
        StaticValues.number(task.getNgramOverlap()).orElse(Decontamination.DEFAULT_NGRAM_OVERLAP);
    out.addAll(Decontamination.violations(n, o));
    List<Object> gen =
        StaticValues.text(task.getGenerate()).flatMap(GeneratedSets::parse).orElse(null);
    List<Object> src =
        StaticValues.text(task.getSources()).flatMap(GeneratedSets::parse).orElse(null);
    List<Object> ood =
        StaticValues.text(task.getOutOfDistribution())
            .flatMap(GeneratedSets::parse)
            .orElse(List.of());
    out.addAll(violations(gen, src, ood));
    out.addAll(DifficultyFilterEntry.staticViolations(task.getDifficultyFilter()));
    if (task.getGenerate() == null && task.getSources() == null) {
      out.add("generate or sources: give at least one source of problems");
    }
    return out;
  }

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
