package io.prorl.tasks.stemmcq;

import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Multiple-choice STEM questions from {@link Formulas}: the correct value and {@code options - 1}
 * distractors from typical mistakes, all distinct at three significant figures, in random order.
 */
final class StemMcqGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final double[] FALLBACK_FACTORS = {0.5, 2, 1.5, 0.1, 10, 3, 0.25, 4};

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("options", 4);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(StemMcqFamily.NAME, DEFAULTS, overrides);
    int optionCount = knobs.intIn("options", 2, 8);
    SplittableRandom rng = Seeds.forProblem(StemMcqFamily.NAME, seed, index);
    Formulas.Question q = Formulas.draw(rng.nextInt(Formulas.COUNT), rng);

    String correct = Formulas.sig(q.correct()) + " " + q.unit();
    Set<String> options = new LinkedHashSet<>();
    options.add(correct);
    List<Double> mistakes = new ArrayList<>(q.mistakes());
    for (int i = mistakes.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      mistakes.set(i, mistakes.set(j, mistakes.get(i)));
    }
    for (double m : mistakes) {
      if (options.size() < optionCount) {
        options.add(Formulas.sig(m) + " " + q.unit());
      }
    }
    double base = q.correct() == 0 ? 1 : q.correct();
    for (int i = 0; options.size() < optionCount; i++) {
      int round = 1 + i / FALLBACK_FACTORS.length;
      options.add(
          Formulas.sig(base * FALLBACK_FACTORS[i % FALLBACK_FACTORS.length] * round)
              + " "
              + q.unit());
    }
    List<String> ordered = new ArrayList<>(options);
    for (int i = ordered.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      ordered.set(i, ordered.set(j, ordered.get(i)));
    }
    StemMcqSpec spec = new StemMcqSpec(ordered, StemMcqSpec.letter(ordered.indexOf(correct)));
    Map<String, Object> verifier = spec.toMap();
    verifier.put("explanation", q.reasoning());
    return Problem.generated(
        StemMcqFamily.NAME, seed, index, knobs, prompt(q.question(), ordered), verifier);
  }

  static String prompt(String question, List<String> options) {
    StringBuilder p = new StringBuilder(question).append('\n');
    for (int i = 0; i < options.size(); i++) {
      p.append(StemMcqSpec.letter(i)).append(") ").append(options.get(i)).append('\n');
    }
    return p.append("Answer with the letter of the correct option inside <answer></answer>.")
        .toString();
  }
}
