package io.kestra.plugin.prorl;

import io.prorl.tasks.Json;
import io.prorl.tasks.dataset.DatasetAssembler;
import io.prorl.tasks.dataset.Decontamination;
import io.prorl.tasks.dataset.Mix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code dataset-manifest.json}: identity, counts per family and difficulty, what was removed. */
final class DatasetManifest {
  private DatasetManifest() {}

  /** family -> {duplicates, exactOverlap, ngramOverlap}. */
  static Map<String, Map<String, Integer>> removed(DatasetAssembler.Assembled a) {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    a.removedPerFamily()
        .forEach((family, r) -> {
          Map<String, Integer> m = new LinkedHashMap<>();
          m.put("duplicates", r.duplicates());
          m.put("exactOverlap", r.exactOverlap());
          m.put("ngramOverlap", r.ngramOverlap());
          out.put(family, m);
        });
    return out;
  }

  static int ngramRemoved(DatasetAssembler.Assembled a) {
    return a.removedPerFamily().values().stream()
        .mapToInt(DatasetAssembler.Removed::ngramOverlap)
        .sum();
  }

  static Path write(
      Path file,
      DatasetAssembler.Assembled a,
      Map<String, String> sha256,
      DatasetAssembler.Config config,
      DatasetPools inputs,
      DifficultyFilterStage.Filtered filtered,
      Map<String, Object> request)
      throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "prorl-dataset/2");
    m.put("train", Map.of("sha256", sha256.get("train"), "count", a.train().size()));
    m.put("validation", Map.of("sha256", sha256.get("validation"), "count", a.validation().size()));
    m.put("input", a.input());
    m.put("duplicatesRemoved", a.duplicatesRemoved());
    m.put("evaluationOverlapRemoved", a.evaluationOverlapRemoved());
    m.put("ngramOverlapRemoved", ngramRemoved(a));
    m.put("removedPerFamily", removed(a));
    m.put(
        "ngramMatches",
        a.ngramMatches().stream()
            .limit(50)
            .map(x ->
                Map.of(
                    "problem", x.problemId(), "evaluation", x.evaluationId(), "share", x.share()))
            .toList());
    m.put("trainPerFamily", a.trainPerFamily());
    m.put("validationPerFamily", a.validationPerFamily());
    m.put("trainPerDifficulty", a.trainPerDifficulty());
    m.put("validationPerDifficulty", a.validationPerDifficulty());
    List<Map<String, Object>> mix = new ArrayList<>();
    for (Mix.Share s : a.mix()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("pool", s.pool());
      e.put("available", s.available());
      if (!Double.isNaN(s.share())) {
        e.put("share", s.share());
      }
      e.put("taken", s.taken());
      mix.add(e);
    }
    m.put("mix", mix);
    m.put("shortfalls", inputs.shortfalls);
    if (filtered.filter() != null) {
      m.put("difficultyFilter", filtered.filter());
      m.put("difficultyFiltered", filtered.perFamily());
    }
    m.put("outOfDistribution", inputs.oodCounts);
    Decontamination d = config.decontamination();
    m.put("decontamination", Map.of("ngramSize", d.ngramSize(), "ngramOverlap", d.ngramOverlap()));
    m.put("seed", config.seed());
    m.put("validationFraction", config.validationFraction());
    m.putAll(request);
    Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m));
    return file;
  }
}
