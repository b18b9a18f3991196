package io.prorl.tasks.countdown;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Draws {@code numbers} values in [1, maxNumber] and a reachable target: the value of a random
 * combination of some of them with + - * / whose every intermediate result is a positive integer,
 * within [minTarget, maxTarget] and not itself one of the numbers.
 */
final class CountdownGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final int MAX_TRIES = 10_000;

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("numbers", 4);
    d.put("maxNumber", 25);
    d.put("minTarget", 10);
    d.put("maxTarget", 200);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(CountdownFamily.NAME, DEFAULTS, overrides);
    int count = knobs.intIn("numbers", 2, 7);
    int maxNumber = knobs.intIn("maxNumber", 2, 1_000);
    int minTarget = knobs.intIn("minTarget", 1, 1_000_000);
    int maxTarget = knobs.intIn("maxTarget", minTarget, 1_000_000);

    SplittableRandom rng = Seeds.forProblem(CountdownFamily.NAME, seed, index);
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      List<Integer> numbers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        numbers.add(rng.nextInt(1, maxNumber + 1));
      }
      long target = combineRandomly(numbers, rng);
      if (target >= minTarget && target <= maxTarget && !numbers.contains((int) target)) {
        CountdownSpec spec = new CountdownSpec(numbers, (int) target);
        return Problem.generated(
            CountdownFamily.NAME, seed, index, knobs, prompt(spec), spec.toMap());
      }
    }
    throw new InvalidProblemException(
        "countdown difficulty: no target in [minTarget, maxTarget] reachable in "
            + MAX_TRIES
            + " tries; widen the target range or raise maxNumber");
  }

  static String prompt(CountdownSpec spec) {
    String numbers = spec.numbers().stream().map(String::valueOf).collect(Collectors.joining(", "));
    return "Using the numbers ["
        + numbers
        + "], write an arithmetic expression that equals "
        + spec.target()
        + ". You may use + - * / and parentheses; each number may be used at most once, and"
        + " not every number has to be used. Put only the expression inside"
        + " <answer></answer>, for example <answer>(1 + 2) * 3</answer>.";
  }

  /** Combines a random subset of at least two numbers; -1 when a step had no valid operation. */
  private static long combineRandomly(List<Integer> numbers, SplittableRandom rng) {
    List<Long> pool = new ArrayList<>();
    for (int n : numbers) {
      pool.add((long) n);
    }
    int use = rng.nextInt(Math.max(2, numbers.size() - 1), numbers.size() + 1);
    for (int i = pool.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      pool.set(i, pool.set(j, pool.get(i)));
    }
    List<Long> chosen = new ArrayList<>(pool.subList(0, use));
    while (chosen.size() > 1) {
      long a = chosen.remove(rng.nextInt(chosen.size()));
      long b = chosen.remove(rng.nextInt(chosen.size()));
      long c = randomStep(a, b, rng);
      if (c <= 0) {
        return -1;
      }
      chosen.add(c);
    }
    return chosen.get(0);
  }

  private static long randomStep(long a, long b, SplittableRandom rng) {
    for (int tries = 0; tries < 8; tries++) {
      switch (rng.nextInt(4)) {
        case 0 -> {
          return a + b;
        }
        case 1 -> {
          if (a != b) {
            return Math.abs(a - b);
          }
        }
        case 2 -> {
          if (a > 1 && b > 1) {
            return a * b;
          }
        }
        default -> {
          long hi = Math.max(a, b);
          long lo = Math.min(a, b);
          if (lo > 1 && hi % lo == 0) {
            return hi / lo;
          }
        }
      }
    }
    return a + b;
  }
}
