package io.prorl.tasks.dataset;

import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One set of generated problems: {@code count} distinct problems of {@code family}, from the stream
 * of {@code seed}, knobs drawn from {@code difficulty}; {@code weight}, when given, is the set's
 * share of the training mix (see {@link Mix}).
 *
 * @param family a built-in task family
 * @param count how many distinct problems to generate (candidates for the mix)
 * @param seed the generator seed
 * @param difficulty the knobs: scalars, lists or integer ranges
 * @param weight share of the final training set (normalised over all weighted pools), or empty
 */
public record GeneratedSet(
    String family, int count, long seed, DifficultySpec difficulty, OptionalDouble weight) {

  public static final long DEFAULT_SEED = 0L;

  public GeneratedSet {
    difficulty = difficulty == null ? DifficultySpec.NONE : difficulty;
    weight = weight == null ? OptionalDouble.empty() : weight;
    List<String> bad =
        violations("generated set", TaskFamilies.builtIn(), family, count, difficulty.knobs());
    if (weight.isPresent()) {
      bad.addAll(Mix.weightViolations(weight.getAsDouble(), "generated set"));
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /**
   * The rules of a generated set (family known, knobs the family's, count positive, curriculum
   * shapes), each message naming the field under {@code at}, e.g. {@code generate[0].family}.
   */
  public static List<String> violations(
      String at, TaskFamilies families, Object family, long count, Map<String, ?> difficulty) {
    List<String> out = new ArrayList<>();
    if (!(family instanceof String name) || !families.names().contains(name)) {
      out.add(at + ".family: unknown family '" + family + "' (known: " + families.names() + ")");
    } else if (difficulty != null) {
      TaskFamily f = families.get(name);
      for (String knob : difficulty.keySet()) {
        if (!f.defaultDifficulty().containsKey(knob)) {
          out.add(
              at
                  + ".difficulty."
                  + knob
                  + ": unknown knob of "
                  + name
                  + " (known: "
                  + String.join(", ", f.defaultDifficulty().keySet())
                  + ")");
        }
      }
    }
    if (count < 1) {
      out.add(at + ".count must be a positive integer, got " + count);
    }
    out.addAll(DifficultySpec.violations(difficulty, at + ".difficulty"));
    return out;
  }
}
