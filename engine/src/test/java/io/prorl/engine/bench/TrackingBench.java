package io.prorl.engine.bench;

import io.prorl.engine.MlflowStandIn;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.tracking.MlflowSettings;
import io.prorl.engine.tracking.StepMetricsTracking;
import io.prorl.engine.tracking.TrackedRun;
import io.prorl.engine.tracking.Tracker;
import io.prorl.engine.tracking.TrackingLog;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What MLflow tracking costs the training thread, through the real code path ({@link
 * StepMetricsTracking} -> {@link Tracker} -> spool -> courier -> MLflow's Java client): the time of
 * one step's {@code onStep} (23 metrics appended to the spool), with the MLflow stand-in up, with a
 * stand-in that answers every call 2 s late, and with no server at all, and how fast the courier
 * delivers. Usage: {@code ./prorl bench-tracking [STEPS]}.
 */
public final class TrackingBench {
  private TrackingBench() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path tmp = Files.createTempDirectory("prorl-tracking-bench");
    TrackingLog quiet =
        new TrackingLog() {
          @Override
          public void info(String message) {}

          @Override
          public void warn(String message) {}
        };
    System.out.printf(
        Locale.ROOT,
        "%-22s %8s %12s %12s %12s %14s%n",
        "server",
        "steps",
        "onStep p50",
        "onStep p99",
        "onStep max",
        "delivered/s");
    try (MlflowStandIn server = MlflowStandIn.start(tmp.resolve("artifacts").toUri().toString())) {
      run("stand-in, up", server.uri(), steps, tmp.resolve("spool-up"), quiet, true);
    }
    // a slow server: every answer after 2 s; the courier is always waiting on one
    try (MlflowStandIn slow = MlflowStandIn.start(tmp.resolve("artifacts").toUri().toString())) {
      slow.delayAnswers(Duration.ofSeconds(2));
      run("stand-in, 2 s answers", slow.uri(), steps, tmp.resolve("spool-slow"), quiet, false);
      slow.delayAnswers(Duration.ZERO);
    }
    // no server: every step stays on disk (the tracker warns at close; this bench discards it)
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    run(
        "none (refused)",
        "http://127.0.0.1:" + dead,
        steps,
        tmp.resolve("spool-down"),
        quiet,
        false);
  }

  private static void run(
      String label, String uri, int steps, Path spool, TrackingLog log, boolean deliver)
      throws Exception {
    MlflowSettings settings =
        new MlflowSettings(
            uri,
            "bench",
            null,
            null,
            null,
            spool,
            false,
            deliver ? Duration.ofMinutes(5) : Duration.ofSeconds(1),
            null);
    TrackedRun run = TrackedRun.root("bench", "bench/" + label.hashCode(), label, Map.of());
    long[] nanos = new long[steps];
    long start;
    long end;
    try (Tracker tracker = Tracker.open(settings, log)) {
      tracker.start(run);
      StepMetricsTracking listener = new StepMetricsTracking(tracker, run, log);
      start = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        StepMetrics m =
            new StepMetrics(
                i + 1, 0.5, 0.1, 0.4, 0.75, 2, 40, 64, 0.05, 1.2, 0.01, 0.02, 0.03, 1.0, 0.8, 1e-4,
                0.3, 5000, 4000, 2, 0, 0.01, 0.26, 0.14, 0.33, 0.76);
        long t0 = System.nanoTime();
        listener.onStep(m);
        nanos[i] = System.nanoTime() - t0;
      }
      while (deliver && tracker.pending() > 0) {
        Thread.sleep(5);
      }
      end = System.nanoTime();
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%-22s %8d %10.1f us %10.1f us %10.1f us %14s%n",
        label,
        steps,
        sorted[steps / 2] / 1e3,
        sorted[(int) (steps * 0.99)] / 1e3,
        sorted[steps - 1] / 1e3,
        deliver ? String.format(Locale.ROOT, "%,.0f", steps / ((end - start) / 1e9)) : "-");
  }
}
