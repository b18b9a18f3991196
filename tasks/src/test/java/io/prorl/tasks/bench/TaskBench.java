package io.prorl.tasks.bench;

import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import io.prorl.tasks.code.CodeFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Throughput of the task library on one thread: verifications per second (half reference solutions,
 * half another problem's reference solution, so both right and wrong answers are scored), problems
 * generated per second, and reference solves per second. Each figure is the median of {@code
 * windows} one-second windows after a warm-up; min and max are printed beside it.
 *
 * <p>Run: {@code ./prorl bench-tasks} (see BENCHMARKS.md).
 */
public final class TaskBench {
  private static final int POOL = 1_000;
  private static volatile double sink;

  private TaskBench() {}

  public static void main(String[] args) {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    TaskFamilies families = TaskFamilies.builtIn();
    System.out.printf(
        "%-12s %34s %34s %34s %34s%n",
        "family", "verify right/s (min-max)", "verify mixed/s", "generate/s", "solve/s");
    for (TaskFamily f : families.all()) {
      if (f.name().equals(CodeFamily.NAME)) {
        continue; // a sandboxed process per test: measured by its own bench (CodeBench)
      }
      List<Problem> problems = new ArrayList<>(POOL);
      List<String> completions = new ArrayList<>(POOL);
      for (int i = 0; i < POOL; i++) {
        problems.add(f.generate(Map.of(), 1, i));
      }
      for (int i = 0; i < POOL; i++) {
        Problem source = i % 2 == 0 ? problems.get(i) : problems.get((i + 1) % POOL);
        completions.add(f.solve(source).completion());
      }
      List<String> right = new ArrayList<>(POOL);
      for (Problem p : problems) {
        right.add(f.solve(p).completion());
      }
      double[] verifyRight =
          measure(windows, i -> f.score(problems.get(i % POOL), right.get(i % POOL)).value());
      double[] verify =
          measure(windows, i -> f.score(problems.get(i % POOL), completions.get(i % POOL)).value());
      double[] generate = measure(windows, i -> f.generate(Map.of(), 2, i).prompt().length());
      double[] solve = measure(windows, i -> f.solve(problems.get(i % POOL)).answer().length());
      System.out.printf(
          "%-12s %34s %34s %34s %34s%n",
          f.name(), cell(verifyRight), cell(verify), cell(generate), cell(solve));
    }
    System.out.println("(sink " + (sink != 0) + ")");
  }

  interface Op {
    double run(int i);
  }

  /** Warm-up of one window, then {@code windows} windows of one second: operations per second. */
  private static double[] measure(int windows, Op op) {
    double[] rates = new double[windows];
    window(op, 1_000_000_000L);
    for (int w = 0; w < windows; w++) {
      rates[w] = window(op, 1_000_000_000L);
    }
    Arrays.sort(rates);
    return rates;
  }

  private static double window(Op op, long nanos) {
    double acc = 0;
    int n = 0;
    long start = System.nanoTime();
    long end = start + nanos;
    long now;
    do {
      for (int k = 0; k < 64; k++) {
        acc += op.run(n++);
      }
      now = System.nanoTime();
    } while (now < end);
    sink += acc;
    return n / ((now - start) / 1e9);
  }

  private static String cell(double[] sortedRates) {
    return String.format(
        "%,.0f (%,.0f-%,.0f)",
        sortedRates[sortedRates.length / 2], sortedRates[0], sortedRates[sortedRates.length - 1]);
  }
}
