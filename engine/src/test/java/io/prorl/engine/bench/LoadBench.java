package io.prorl.engine.bench;

import ai.djl.Device;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.model.WeightLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What loading an HF directory costs in memory: RSS before the load, after it, and the process's
 * peak (VmHWM), against the fp32 model's size and its largest tensor.
 *
 * <p>Run: {@code ./prorl bench-load DIR} (e.g. a directory from {@code ./prorl engine init}).
 */
public final class LoadBench {
  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    DjlEngine.pytorch();
    ModelConfig config = ModelConfig.read(dir.resolve(HfModelDir.CONFIG));
    long largest = 0;
    for (long[] shape : WeightLayout.of(config).values()) {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      largest = Math.max(largest, n * 4);
    }
    long model = config.parameterCount() * 4;
    System.gc();
    long before = kb("VmRSS");
    long hwmBefore = kb("VmHWM");
    long t0 = System.nanoTime();
    try (Qwen2Model m = HfModelDir.load(dir, Device.cpu())) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      long after = kb("VmRSS");
      long peak = kb("VmHWM");
      System.out.printf(
          "%s: %,d parameters, fp32 model %.0f MB, largest tensor %.0f MB (fp32)%n",
          dir, config.parameterCount(), model / 1e6, largest / 1e6);
      System.out.printf(
          "load %.1f s; RSS before %.0f MB, after %.0f MB (+%.0f MB), peak %.0f MB (+%.0f MB over"
              + " before; bound fp32 model + largest tensor = %.0f MB)%n",
          seconds,
          before / 1e3,
          after / 1e3,
          (after - before) / 1e3,
          peak / 1e3,
          (peak - before) / 1e3,
          (model + largest) / 1e6);
      if (hwmBefore > before) {
        System.out.printf("(the peak before loading was already %.0f MB)%n", hwmBefore / 1e3);
      }
      System.out.println(m.parameters().size() + " tensors loaded");
    }
  }

  /** A field of /proc/self/status, in kB. */
  private static long kb(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/self/status");
  }
}
