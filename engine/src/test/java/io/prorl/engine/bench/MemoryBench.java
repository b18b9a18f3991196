package io.prorl.engine.bench;

import io.prorl.engine.DjlEngine;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Native memory over a long phase: the resident set size (RSS, from {@code /proc/self/status}) of
 * this JVM after every RL step of {@link RlRig}, printed every {@code every} steps, then the growth
 * from the first 10 steps after the warm-up to the last 10 (means, so one step's transient
 * allocations do not decide it) and the peak (VmHWM). The launcher fixes the Java heap ({@code -Xms
 * = -Xmx}, pre-touched), so RSS changes are native memory. Native memory is flat when every step
 * frees the tensors it made: the goal is growth below 5% over 200 steps after warm-up.
 *
 * <p>Run: {@code ./prorl bench-memory [tiny|32m|50m] [STEPS] [WARMUP]} (defaults tiny 200 20).
 */
public final class MemoryBench {
  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    DjlEngine.pytorch();
    ModelConfig config = RlRig.shape(args.length > 0 ? args[0] : "tiny");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int every = Math.max(1, (warmup + steps) / 12);
    Path dir = Files.createTempDirectory("prorl-bench-memory");
    EmbeddedDefault.writeTokenizer(dir.resolve("tokenizer.json"));
    System.out.printf(
        "%s (%.1fM parameters): %d warm-up steps, then %d; RSS after each step%n",
        RlRig.label(config), config.parameterCount() / 1e6, warmup, steps);
    System.out.printf("%6s %10s %12s %10s%n", "step", "RSS MB", "JVM heap MB", "step s");
    long[] rss = new long[warmup + steps + 1];
    try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"));
        RlRig rig = new RlRig(config, tokenizer)) {
      for (int i = 1; i <= warmup + steps; i++) {
        double seconds = rig.step(i).wallSeconds();
        rss[i] = kilobytes("VmRSS");
        if (i % every == 0 || i == warmup || i == warmup + steps) {
          Runtime rt = Runtime.getRuntime();
          System.out.printf(
              "%6d %10.0f %12.0f %10.2f%n",
              i, rss[i] / 1024.0, (rt.totalMemory() - rt.freeMemory()) / 1048576.0, seconds);
        }
      }
    }
    int window = Math.min(10, steps);
    double first = mean(rss, warmup + 1, warmup + window);
    double last = mean(rss, warmup + steps - window + 1, warmup + steps);
    System.out.printf(
        "RSS, mean of %d steps: after warm-up %.0f MB, after %d more steps %.0f MB: growth %+.1f%%;"
            + " peak (VmHWM) %.0f MB%n",
        window,
        first / 1024.0,
        steps,
        last / 1024.0,
        100.0 * (last - first) / first,
        kilobytes("VmHWM") / 1024.0);
  }

  private static double mean(long[] v, int from, int to) {
    double sum = 0;
    for (int i = from; i <= to; i++) {
      sum += v[i];
    }
    return sum / (to - from + 1);
  }

  /** A {@code /proc/self/status} field in kB (Linux only). */
  static long kilobytes(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    throw new IOException(field + " is not in /proc/self/status (not Linux?)");
  }
}
