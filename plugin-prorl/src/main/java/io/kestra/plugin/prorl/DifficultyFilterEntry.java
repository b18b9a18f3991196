package io.kestra.plugin.prorl;

import io.prorl.engine.job.DifficultyFilterJob.DifficultyFilter;
import io.prorl.engine.job.Shard;
import io.prorl.tasks.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * The {@code difficultyFilter} property of {@link AssembleDataset}: {policy, samples, temperature,
 * topP, maxNewTokens, seed, minPassRate, maxPassRate, device, shardIndex, shardCount}. The defaults
 * and rules live in {@link DifficultyFilter} and {@link Shard}; this class reads the flow's map and
 * names the field.
 */
final class DifficultyFilterEntry {
  static final String PROPERTY = "difficultyFilter";
  static final List<String> FIELDS =
      List.of(
          "policy",
          "samples",
          "temperature",
          "topP",
          "maxNewTokens",
          "seed",
          "minPassRate",
          "maxPassRate",
          "device",
          "shardIndex",
          "shardCount");
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private DifficultyFilterEntry() {}

  /** A literal map property (JSON or YAML flow style), or empty when it is no literal map. */
  static Optional<Map<String, Object>> parse(String literal) {
    try {
      return Optional.of(Json.MAPPER.readValue(literal, MAP));
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  /** The violations of a literal property value; none for an unset property or an expression. */
  static List<String> staticViolations(io.kestra.core.models.property.Property<?> property) {
    return StaticValues.text(property)
        .map(t ->
            parse(t)
                .map(DifficultyFilterEntry::violations)
                .orElse(
                    List.of(
                        PROPERTY + " must be a map {" + String.join(", ", FIELDS) + "}, got " + t)))
        .orElse(List.of());
  }

  /** Violations, each naming its field, e.g. "difficultyFilter.minPassRate must lie in ...". */
  static List<String> violations(Map<String, ?> m) {
    List<String> out = new ArrayList<>();
    for (String key : m.keySet()) {
      if (!FIELDS.contains(key)) {
        out.add(PROPERTY + "." + key + ": unknown field (" + String.join(", ", FIELDS) + ")");
      }
    }
    Object policy = m.get("policy");
    if (policy != null && !(policy instanceof String)) {
      out.add(PROPERTY + ".policy must be a policy reference (file://, s3:// or a path)");
    }
    Integer samples = integer(m, "samples", out);
    Integer maxNewTokens = integer(m, "maxNewTokens", out);
    integer(m, "seed", out);
    Integer shardIndex = integer(m, "shardIndex", out);
    Integer shardCount = integer(m, "shardCount", out);
    Shard.violations(
            shardIndex == null ? Shard.WHOLE.index() : shardIndex,
            shardCount == null ? Shard.WHOLE.count() : shardCount)
        .forEach(r -> out.add(PROPERTY + "." + r));
    List<String> rules =
        DifficultyFilter.violations(
            samples,
            number(m, "temperature", out),
            number(m, "topP", out),
            maxNewTokens,
            number(m, "minPassRate", out),
            number(m, "maxPassRate", out));
    rules.forEach(r -> out.add(PROPERTY + "." + r));
    return out;
  }

  /** A map that passed {@link #violations}: the filter, defaults where a field is absent. */
  static DifficultyFilter of(Map<String, ?> m) {
    DifficultyFilter.Builder b = DifficultyFilter.builder();
    b.policy((String) m.get("policy"));
    Long samples = GeneratedSets.integer(m.get("samples"));
    Long maxNewTokens = GeneratedSets.integer(m.get("maxNewTokens"));
    Long seed = GeneratedSets.integer(m.get("seed"));
    Double temperature = GeneratedSets.number(m.get("temperature"));
    Double topP = GeneratedSets.number(m.get("topP"));
    Double minPassRate = GeneratedSets.number(m.get("minPassRate"));
    Double maxPassRate = GeneratedSets.number(m.get("maxPassRate"));
    if (samples != null) {
      b.samples(samples.intValue());
    }
    if (maxNewTokens != null) {
      b.maxNewTokens(maxNewTokens.intValue());
    }
    if (seed != null) {
      b.seed(seed);
    }
    if (temperature != null) {
      b.temperature(temperature);
    }
    if (topP != null) {
      b.topP(topP);
    }
    if (minPassRate != null) {
      b.minPassRate(minPassRate);
    }
    if (maxPassRate != null) {
      b.maxPassRate(maxPassRate);
    }
    if (m.get("device") != null) {
      b.device(m.get("device").toString());
    }
    return b.build();
  }

  /** The shard of a map that passed {@link #violations}: the whole list when none is given. */
  static Shard shard(Map<String, ?> m) {
    Long index = GeneratedSets.integer(m.get("shardIndex"));
    Long count = GeneratedSets.integer(m.get("shardCount"));
    return new Shard(
        index == null ? Shard.WHOLE.index() : index.intValue(),
        count == null ? Shard.WHOLE.count() : count.intValue());
  }

  private static Integer integer(Map<String, ?> m, String key, List<String> out) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    Long l = GeneratedSets.integer(v);
    if (l == null || Math.abs(l) > Integer.MAX_VALUE) {
      out.add(PROPERTY + "." + key + " must be an integer, got " + v);
      return null;
    }
    return l.intValue();
  }

  private static Double number(Map<String, ?> m, String key, List<String> out) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    Double d = GeneratedSets.number(v);
    if (d == null) {
      out.add(PROPERTY + "." + key + " must be a number, got " + v);
    }
    return d;
  }
}
