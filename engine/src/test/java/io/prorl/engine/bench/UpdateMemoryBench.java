package io.prorl.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.io.HfModelDir;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.AdamW;
import io.prorl.engine.optim.GradientClipping;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.rl.LossConfig;
import io.prorl.engine.rl.PolicyGradient;
import io.prorl.engine.rl.PolicySample;
import io.prorl.engine.scoring.TrainingMemory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Peak memory and time of one RL update (the policy's forward and backward with gradient, the KL
 * term on, global-norm clipping and AdamW) of a real-shaped model, for N responses of T tokens
 * after 64-token prompts, by memory setting. Each measurement runs in its own JVM, so its peak
 * (VmHWM) is its own; the parent kills a child whose RSS passes the cap and reports "out of memory
 * at X GB".
 *
 * <p>The responses are random token ids and the old and reference log-probs constants: memory and
 * time do not depend on the values. The AdamW moments exist before the measured update (one update
 * of a 1-token response first), as in a run. The peak is reset (Linux: {@code 5} written to {@code
 * /proc/self/clear_refs}) before the update's backward and again before its optimizer step
 * (clipping and AdamW), so each stage's peak is its own, not the model load's or the warm-up's.
 *
 * <p>Run: {@code ./prorl bench-update-memory DIR [CAP_GB] [N:T]...} with DIR an HF directory
 * ({@code prorl engine init}); the sizes default to 1:1024 4:1024 1:2048 4:2048.
 */
public final class UpdateMemoryBench {
  private static final int PROMPT = 64;

  /** The arms, in order: name and settings. */
  private static final Map<String, TrainingMemory> ARMS = new java.util.LinkedHashMap<>();

  static {
    ARMS.put("naive", TrainingMemory.NAIVE);
    ARMS.put("chunked", new TrainingMemory(1024, 0, false));
    ARMS.put("chunked+recompute", new TrainingMemory(1024, 0, true));
    ARMS.put("+micro-batches", new TrainingMemory(1024, 2200, true));
  }

  private UpdateMemoryBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--one")) {
      one(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      return;
    }
    Path dir = Path.of(args[0]);
    double capGb = args.length > 1 ? Double.parseDouble(args[1]) : 22;
    System.out.printf(
        Locale.ROOT,
        "one RL update of %s: N responses of T tokens after %d-token prompts, KL on; each in its"
            + " own JVM, killed above %.0f GB RSS; lanes %d%n",
        dir,
        PROMPT,
        capGb,
        Lanes.configured());
    System.out.printf(
        Locale.ROOT,
        "%-20s %3s %6s %9s %13s %12s %12s %10s%n",
        "setting",
        "N",
        "T",
        "base GB",
        "backward GB",
        "backward s",
        "AdamW GB",
        "update s");
    List<int[]> sizes = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String[] nt = args[i].split(":");
      sizes.add(new int[] {Integer.parseInt(nt[0]), Integer.parseInt(nt[1])});
    }
    if (sizes.isEmpty()) {
      sizes =
          List.of(
              new int[] {1, 1024}, new int[] {4, 1024}, new int[] {1, 2048}, new int[] {4, 2048});
    }
    for (int[] size : sizes) {
      for (String arm : ARMS.keySet()) {
        if (size[0] == 1 && arm.equals("+micro-batches")) {
          continue; // one response is one micro-batch
        }
        System.out.println(child(dir, arm, size[0], size[1], capGb));
      }
    }
  }

  /** Runs one measurement in a child JVM; its line, or how it ended. */
  private static String child(Path dir, String arm, int n, int tokens, double capGb)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(
                a -> a.startsWith("-X") || a.startsWith("-D") || a.startsWith("--enable-native"))
            .toList());
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            UpdateMemoryBench.class.getName(),
            "--one",
            dir.toString(),
            arm,
            Integer.toString(n),
            Integer.toString(tokens)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Path status = Path.of("/proc/" + p.pid() + "/status");
    long peakKb = 0;
    StringBuilder out = new StringBuilder();
    Thread reader =
        Thread.ofPlatform()
            .start(() -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("RESULT ")) {
                    synchronized (out) {
                      out.append(line.substring(7));
                    }
                  }
                }
              } catch (java.io.IOException e) {
                // the child ended
              }
            });
    while (p.isAlive()) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            long kb = Long.parseLong(line.substring(6).replace("kB", "").trim());
            peakKb = Math.max(peakKb, kb);
          }
        }
      } catch (java.io.IOException e) {
        break; // gone
      }
      if (peakKb > capGb * 1024 * 1024) {
        p.destroyForcibly().waitFor();
        reader.join();
        return String.format(
            Locale.ROOT,
            "%-20s %3d %6d   out of memory at %.1f GB (killed at the cap)",
            arm,
            n,
            tokens,
            peakKb / 1048576.0);
      }
      Thread.sleep(20);
    }
    reader.join();
    int code = p.waitFor();
    synchronized (out) {
      if (code != 0 || out.isEmpty()) {
        return String.format(
            Locale.ROOT,
            "%-20s %3d %6d   failed (exit %d) at %.1f GB RSS",
            arm,
            n,
            tokens,
            code,
            peakKb / 1048576.0);
      }
      return out.toString();
    }
  }

  /** One measurement, in this JVM: prints "RESULT line". */
  private static void one(Path dir, String arm, int n, int tokens) throws Exception {
    DjlEngine.pytorch();
    TrainingMemory memory = ARMS.get(arm);
    LossConfig loss = new LossConfig(0.2, 0.28, 1e-3, 0.0, LossConfig.Aggregation.TOKEN, 3.0);
    try (Qwen2Model policy = HfModelDir.load(dir, Device.cpu());
        NDManager m = policy.manager().newSubManager();
        AdamW adam = new AdamW(AdamW.Config.defaults(), m)) {
      policy.parameters().values().forEach(a -> a.setRequiresGradient(true));
      int vocab = policy.config().vocabSize();
      update(policy, adam, samples(1, 1, vocab), loss, memory); // creates the moments
      double base = gb("VmRSS");
      List<PolicySample> batch = samples(n, tokens, vocab);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        resetPeak();
        long t0 = System.nanoTime();
        new PolicyGradient(policy, loss, 1.0, Lanes.configured(), memory).backward(batch);
        long t1 = System.nanoTime();
        double backwardPeak = gb("VmHWM");
        resetPeak();
        step(policy, adam);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "RESULT %-20s %3d %6d %9.2f %13.2f %12.1f %12.2f %10.1f%n",
            arm,
            n,
            tokens,
            base,
            backwardPeak,
            (t1 - t0) / 1e9,
            gb("VmHWM"),
            seconds);
      }
    }
  }

  /** Lets VmHWM restart from the current RSS (Linux 4.0+). */
  private static void resetPeak() throws java.io.IOException {
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
  }

  private static double gb(String field) throws java.io.IOException {
    return MemoryBench.kilobytes(field) / 1048576.0;
  }

  /** Global-norm clipping at 1 and an AdamW step on the gradients there. */
  private static void step(Qwen2Model policy, AdamW adam) {
    Map<String, NDArray> grads = new HashMap<>();
    policy.parameters().forEach((name, p) -> grads.put(name, p.getGradient()));
    GradientClipping.clipGlobalNorm(grads.values(), 1.0);
    adam.update(policy.parameters(), grads, 1e-6);
  }

  private static void update(
      Qwen2Model policy,
      AdamW adam,
      List<PolicySample> batch,
      LossConfig loss,
      TrainingMemory memory) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      new PolicyGradient(policy, loss, 1.0, Lanes.configured(), memory).backward(batch);
      step(policy, adam);
    }
  }

  /** N responses of T random tokens after random 64-token prompts, advantages +-1. */
  private static List<PolicySample> samples(int n, int tokens, int vocab) {
    SplittableRandom rng = new SplittableRandom(n * 31L + tokens);
    List<PolicySample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] prompt = rng.ints(PROMPT, 0, vocab).toArray();
      int[] response = rng.ints(tokens, 0, vocab).toArray();
      float[] old = new float[tokens];
      java.util.Arrays.fill(old, -12f);
      out.add(new PolicySample(prompt, response, old, old.clone(), i % 2 == 0 ? 1 : -1, true));
    }
    return out;
  }
}
