package io.prorl.tasks.bench;

import io.prorl.tasks.Problem;
import io.prorl.tasks.code.CodeFamily;
import io.prorl.tasks.code.CodeSpec;
import io.prorl.tasks.code.ProgramRun;
import io.prorl.tasks.code.Sandbox;
import io.prorl.tasks.code.SandboxLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./prorl bench-sandbox [RUNS]}: the cost of running a test program in the sandbox, side by
 * side in one run: a bare {@code python3} start against the same program in bubblewrap (one at a
 * time: the overhead per run), then sandboxed test executions per second with every core busy, the
 * way the code verifier scores a batch. The program is the code family's reference solution on one
 * of its hidden tests; every run's output is checked.
 */
public final class SandboxBench {
  private SandboxBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int cores = Runtime.getRuntime().availableProcessors();
    CodeFamily family = new CodeFamily();
    Problem p = family.generate(Map.of("kind", "running_sum", "maxLength", 100), 1, 0);
    String program = family.solve(p).answer();
    CodeSpec.Test test = CodeSpec.of(p).tests().get(0);
    Path file = Files.createTempFile("bench", ".py");
    Files.writeString(file, program);
    try (Sandbox one = Sandbox.system(SandboxLimits.DEFAULTS.withParallelism(1));
        Sandbox all = Sandbox.system(SandboxLimits.DEFAULTS.withParallelism(cores))) {
      // warm both paths (page cache, JIT)
      bare(file, test);
      one.run(program, test.input());

      System.out.printf("%-34s %8s %12s %12s%n", "path", "runs", "ms per run", "runs per s");
      double bareMs = row("bare python3, one at a time", runs, 1, () -> bare(file, test));
      double boxMs =
          row(
              "sandboxed, one at a time",
              runs,
              1,
              () -> check(one.run(program, test.input()), test));
      row("bare python3, " + cores + " at a time", runs, cores, () -> bare(file, test));
      List<String> inputs = Collections.nCopies(runs, test.input());
      long start = System.nanoTime();
      for (ProgramRun r : all.runAll(program, inputs)) {
        check(r, test);
      }
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%-34s %8d %12.1f %12.1f%n",
          "sandboxed, " + cores + " at a time (runAll)", runs, s * 1000 / runs, runs / s);
      System.out.printf(
          "sandbox overhead per run: %+.1f ms (%.2fx a bare start), %d cores%n",
          boxMs - bareMs, boxMs / bareMs, cores);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  interface Run {
    void once() throws Exception;
  }

  /**
   * @return ms per run
   */
  private static double row(String name, int runs, int threads, Run run) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        fs.add(
            pool.submit(() -> {
              run.once();
              return null;
            }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf("%-34s %8d %12.1f %12.1f%n", name, runs, s * 1000 / runs, runs / s);
      return s * 1000 / runs * threads;
    } finally {
      pool.shutdown();
    }
  }

  private static void bare(Path file, CodeSpec.Test test) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/usr/bin/python3", "-I", "-B", file.toString()).start();
    p.getOutputStream().write(test.input().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0 || !out.strip().equals(test.output().strip())) {
      throw new IllegalStateException("bare run printed " + out);
    }
  }

  private static void check(ProgramRun r, CodeSpec.Test test) {
    if (!r.ok() || !r.stdout().strip().equals(test.output().strip())) {
      throw new IllegalStateException("sandboxed run: " + r);
    }
  }
}
