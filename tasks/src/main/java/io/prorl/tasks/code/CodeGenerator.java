package io.prorl.tasks.code;

import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Programming problems: a Python 3 program reading integers from stdin. Knobs: {@code kind} (one of
 * {@link CodeKind}'s, or {@code any}), {@code maxLength} (most integers in a test), {@code
 * maxValue} (integers lie in [-maxValue, maxValue]), {@code tests} (hidden tests per problem). The
 * prompt shows one example that is not among the hidden tests.
 */
final class CodeGenerator {
  static final String ANY = "any";
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final int EXAMPLE_LENGTH = 3;

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", ANY);
    d.put("maxLength", 10);
    d.put("maxValue", 100);
    d.put("tests", 5);
    return d;
  }

  private static List<String> kindKnobs() {
    List<String> out = new ArrayList<>();
    out.add(ANY);
    Arrays.stream(CodeKind.values()).map(CodeKind::knob).forEach(out::add);
    return out;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(CodeFamily.NAME, DEFAULTS, overrides);
    String kindKnob = knobs.text("kind", kindKnobs());
    int maxLength = knobs.intIn("maxLength", 1, 1_000);
    int maxValue = knobs.intIn("maxValue", 1, 1_000_000);
    int testCount = knobs.intIn("tests", 1, 50);

    SplittableRandom rng = Seeds.forProblem(CodeFamily.NAME, seed, index);
    CodeKind kind =
        kindKnob.equals(ANY)
            ? CodeKind.values()[rng.nextInt(CodeKind.values().length)]
            : CodeKind.of(kindKnob, "difficulty.kind");
    int[] example = integers(rng, Math.min(EXAMPLE_LENGTH, maxLength), maxValue);
    List<CodeSpec.Test> tests = new ArrayList<>();
    for (int t = 0; t < testCount; t++) {
      int[] xs = integers(rng, rng.nextInt(1, maxLength + 1), maxValue);
      tests.add(new CodeSpec.Test(CodeKind.input(xs), kind.expected(xs)));
    }
    CodeSpec spec = new CodeSpec(kind, tests);
    return Problem.generated(
        CodeFamily.NAME, seed, index, knobs, prompt(kind, example), spec.toMap());
  }

  private static int[] integers(SplittableRandom rng, int n, int maxValue) {
    int[] xs = new int[n];
    for (int i = 0; i < n; i++) {
      xs[i] = rng.nextInt(-maxValue, maxValue + 1);
    }
    return xs;
  }

  static String prompt(CodeKind kind, int[] example) {
    return "Write a Python 3 program that reads standard input and writes standard output.\n\n"
        + CodeKind.INPUT_FORMAT
        + " "
        + kind.task()
        + "\n\nExample input:\n"
        + CodeKind.input(example)
        + "Example output:\n"
        + kind.expected(example)
        + "\n\nYour program is run on hidden tests like the example. End your answer with the"
        + " program in a ```python code block.";
  }
}
