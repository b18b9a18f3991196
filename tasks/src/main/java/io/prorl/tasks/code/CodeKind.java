package io.prorl.tasks.code;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The kinds of program the code family asks for. Every kind reads the same input - a count n on the
 * first line, then n integers on the second - and differs in what it prints. Each has a Java
 * reference (computes every test's expected output) and a Python reference solution (the worked
 * solution; tests check that both agree through the sandbox).
 */
public enum CodeKind {
  SUM("Print the sum of the integers.", "print(sum(xs))") {
    @Override
    String expected(int[] xs) {
      return Long.toString(Arrays.stream(xs).asLongStream().sum());
    }
  },
  MAX("Print the largest of the integers.", "print(max(xs))") {
    @Override
    String expected(int[] xs) {
      return Integer.toString(Arrays.stream(xs).max().orElseThrow());
    }
  },
  SORT(
      "Print the integers in ascending order, separated by single spaces.",
      "print(\" \".join(str(x) for x in sorted(xs)))") {
    @Override
    String expected(int[] xs) {
      return join(Arrays.stream(xs).sorted().toArray());
    }
  },
  REVERSE(
      "Print the integers in reverse order, separated by single spaces.",
      "print(\" \".join(str(x) for x in reversed(xs)))") {
    @Override
    String expected(int[] xs) {
      return join(IntStream.range(0, xs.length).map(i -> xs[xs.length - 1 - i]).toArray());
    }
  },
  COUNT_EVEN(
      "Print how many of the integers are even.", "print(sum(1 for x in xs if x % 2 == 0))") {
    @Override
    String expected(int[] xs) {
      return Long.toString(Arrays.stream(xs).filter(x -> x % 2 == 0).count());
    }
  },
  RUNNING_SUM(
      "Print the running sums: the i-th number printed is the sum of the first i integers,"
          + " separated by single spaces.",
      "total = 0\nout = []\nfor x in xs:\n    total += x\n    out.append(str(total))\n"
          + "print(\" \".join(out))") {
    @Override
    String expected(int[] xs) {
      List<String> out = new ArrayList<>();
      long total = 0;
      for (int x : xs) {
        total += x;
        out.add(Long.toString(total));
      }
      return String.join(" ", out);
    }
  },
  DISTINCT("Print how many different values occur among the integers.", "print(len(set(xs)))") {
    @Override
    String expected(int[] xs) {
      return Long.toString(Arrays.stream(xs).distinct().count());
    }
  };

  /** The input format every kind shares, as the prompt states it. */
  static final String INPUT_FORMAT =
      "The input is two lines: an integer n (n >= 1), then n integers separated by single spaces.";

  private static final String READ_INPUT =
      "import sys\n\ndata = sys.stdin.read().split()\nn = int(data[0])\n"
          + "xs = [int(t) for t in data[1:1 + n]]\n";

  private final String task;
  private final String computeAndPrint;

  CodeKind(String task, String computeAndPrint) {
    this.task = task;
    this.computeAndPrint = computeAndPrint;
  }

  /** The knob value, e.g. {@code running_sum}. */
  public String knob() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** What the program must print, one sentence. */
  String task() {
    return task;
  }

  /** The expected stdout (without the final newline) for the integers {@code xs}. */
  abstract String expected(int[] xs);

  /** The Python reference solution. */
  String referenceProgram() {
    return READ_INPUT + computeAndPrint + "\n";
  }

  /** The test input for {@code xs}. */
  static String input(int[] xs) {
    return xs.length + "\n" + join(xs) + "\n";
  }

  /** The integers of a test input, as the reference reads them. */
  static int[] parse(String input) {
    String[] t = input.strip().split("\\s+");
    int n = Integer.parseInt(t[0]);
    int[] xs = new int[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Integer.parseInt(t[1 + i]);
    }
    return xs;
  }

  /** The kind of a knob value, or an error listing the known ones. */
  static CodeKind of(String knob, String path) {
    for (CodeKind k : values()) {
      if (k.knob().equals(knob)) {
        return k;
      }
    }
    throw new io.prorl.tasks.InvalidProblemException(
        path
            + ": unknown code kind '"
            + knob
            + "'; known kinds: "
            + Arrays.stream(values()).map(CodeKind::knob).collect(Collectors.joining(", ")));
  }

  private static String join(int[] xs) {
    return Arrays.stream(xs).mapToObj(Integer::toString).collect(Collectors.joining(" "));
  }
}
