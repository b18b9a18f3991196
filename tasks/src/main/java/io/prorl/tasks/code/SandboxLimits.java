package io.prorl.tasks.code;

import io.prorl.tasks.MachineSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one sandboxed program may use. ProRL's code reward gives a program 5 s.
 *
 * @param cpuSeconds CPU time (RLIMIT_CPU): past it the kernel kills the program
 * @param wallSeconds wall-clock time, enforced by the host: the whole sandbox is killed
 * @param memoryBytes address space (RLIMIT_AS): an allocation past it fails
 * @param maxProcesses processes and threads of the program's uid (RLIMIT_NPROC), itself included
 * @param maxOutputBytes stdout kept; a program writing more is killed and scores 0
 * @param workDirBytes size of the writable working directory (and of /tmp), a tmpfs
 * @param parallelism programs run at once (each in its own sandbox, with its own uid)
 */
public record SandboxLimits(
    int cpuSeconds,
    double wallSeconds,
    long memoryBytes,
    int maxProcesses,
    int maxOutputBytes,
    long workDirBytes,
    int parallelism) {

  /** ProRL's 5 s per program; enough memory and processes for ordinary Python. */
  public static final SandboxLimits DEFAULTS =
      new SandboxLimits(
          5,
          5.0,
          1L << 30,
          16,
          1 << 20,
          16L << 20,
          Math.max(1, Runtime.getRuntime().availableProcessors()));

  /** System property naming how many programs run at once. */
  public static final String PARALLELISM_PROPERTY = "prorl.sandbox.parallelism";

  /** Environment variable naming how many programs run at once (when the property is unset). */
  public static final String PARALLELISM_ENV = "PRORL_SANDBOX_PARALLELISM";

  /**
   * {@link #DEFAULTS} with the parallelism of {@value #PARALLELISM_PROPERTY}, else {@value
   * #PARALLELISM_ENV}, else the number of cores.
   */
  public static SandboxLimits configured() {
    Optional<MachineSetting> setting = MachineSetting.read(PARALLELISM_PROPERTY, PARALLELISM_ENV);
    if (setting.isEmpty()) {
      return DEFAULTS;
    }
    try {
      return DEFAULTS.withParallelism(Integer.parseInt(setting.get().value()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting.get().source()
              + ": "
              + e.getMessage().replace("parallelism must", "the sandbox parallelism must"),
          e);
    }
  }

  public SandboxLimits {
    List<String> bad = violations(cpuSeconds, wallSeconds, memoryBytes, maxProcesses, parallelism);
    if (maxOutputBytes < 1) {
      bad.add("maxOutputBytes must be >= 1, got " + maxOutputBytes);
    }
    if (workDirBytes < 1 << 16) {
      bad.add("workDirBytes must be >= 65536, got " + workDirBytes);
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /** The rules, each message naming its field. */
  public static List<String> violations(
      int cpuSeconds, double wallSeconds, long memoryBytes, int maxProcesses, int parallelism) {
    List<String> out = new ArrayList<>();
    if (cpuSeconds < 1) {
      out.add("cpuSeconds must be >= 1, got " + cpuSeconds);
    }
    if (!(wallSeconds > 0)) {
      out.add("wallSeconds must be > 0, got " + wallSeconds);
    }
    if (memoryBytes < 64L << 20) {
      out.add("memoryBytes must be >= 64 MiB (python3 needs it to start), got " + memoryBytes);
    }
    if (maxProcesses < 1) {
      out.add("maxProcesses must be >= 1, got " + maxProcesses);
    }
    if (parallelism < 1 || parallelism > Sandbox.MAX_SLOTS) {
      out.add("parallelism must lie in [1, " + Sandbox.MAX_SLOTS + "], got " + parallelism);
    }
    return out;
  }

  public SandboxLimits withParallelism(int value) {
    return new SandboxLimits(
        cpuSeconds, wallSeconds, memoryBytes, maxProcesses, maxOutputBytes, workDirBytes, value);
  }

  public SandboxLimits withTime(int cpu, double wall) {
    return new SandboxLimits(
        cpu, wall, memoryBytes, maxProcesses, maxOutputBytes, workDirBytes, parallelism);
  }

  public SandboxLimits withMaxOutputBytes(int value) {
    return new SandboxLimits(
        cpuSeconds, wallSeconds, memoryBytes, maxProcesses, value, workDirBytes, parallelism);
  }
}
