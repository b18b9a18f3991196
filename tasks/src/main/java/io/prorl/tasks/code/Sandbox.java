package io.prorl.tasks.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Runs model-written Python programs in bubblewrap, the security boundary of the code reward:
 *
 * <ul>
 *   <li>namespaces of its own: no network (a fresh network namespace has only a loopback that is
 *       down), its own PID namespace (when the program ends every process it started is killed),
 *       IPC and UTS; a new session (no terminal to inject into);
 *   <li>a file system of the system's {@code /usr} read-only, a private {@code /proc} and {@code
 *       /dev}, and two fresh tmpfs of bounded size: {@code /work} (working directory and home) and
 *       {@code /tmp}; nothing else of the host, the program itself read-only under {@code
 *       /sandbox};
 *   <li>an empty environment (PATH, HOME, LANG only);
 *   <li>the program runs as an unprivileged uid of its own ({@code FIRST_UID + slot}), with no
 *       capabilities (effective, permitted, inheritable, ambient and bounding sets empty) and
 *       no_new_privs: bwrap keeps only SETUID/SETGID/SETPCAP for {@code setpriv} to switch uid and
 *       clear the bounding set; the switch to a non-zero uid clears the rest;
 *   <li>limits: CPU time, address space, file size, open files and processes via {@code prlimit} -
 *       the process limit binds because the uid is not root - wall time and output size enforced
 *       here by killing the sandbox, whose PID namespace takes every process with it.
 * </ul>
 *
 * <p>It needs {@code /usr/bin/bwrap} (Debian package bubblewrap), {@code /usr/bin/python3}, {@code
 * setpriv} and {@code prlimit} (util-linux), and root (to switch to the sandbox uids). {@link
 * #system} checks all of it and runs a probe program; anything missing is a {@link
 * SandboxUnavailableException} naming it - model code never runs unsandboxed.
 */
public final class Sandbox implements AutoCloseable {
  /** The sandbox uids are FIRST_UID .. FIRST_UID + parallelism - 1: one per concurrent program. */
  public static final int FIRST_UID = 61_000;

  public static final int MAX_SLOTS = 64;

  /**
   * The programs the sandbox is made of, by absolute path (another python3 may come first on the
   * PATH, e.g. a pyenv shim; inside the sandbox only /usr exists).
   */
  public record Tools(Path bwrap, Path python, Path setpriv, Path prlimit) {
    public static final Tools SYSTEM =
        new Tools(
            Path.of("/usr/bin/bwrap"),
            Path.of("/usr/bin/python3"),
            Path.of("/usr/bin/setpriv"),
            Path.of("/usr/bin/prlimit"));
  }

  private static final int STDERR_KEPT = 4_096;
  private static final long REAP_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Tools tools;
  private final SandboxLimits limits;
  private final BlockingQueue<Integer> freeUids;
  private final ExecutorService pool;

  private Sandbox(Tools tools, SandboxLimits limits) {
    this.tools = tools;
    this.limits = limits;
    this.freeUids = new ArrayBlockingQueue<>(limits.parallelism());
    for (int i = 0; i < limits.parallelism(); i++) {
      freeUids.add(FIRST_UID + i);
    }
    this.pool =
        Executors.newFixedThreadPool(
            limits.parallelism(), r -> Thread.ofPlatform().daemon().name("sandbox").unstarted(r));
  }

  /**
   * The sandbox of this machine, checked: the tools exist, this process may switch uid, and a probe
   * program runs and prints what it should.
   *
   * @throws SandboxUnavailableException naming what is missing and how to install it
   */
  public static Sandbox system(SandboxLimits limits) {
    return checked(Tools.SYSTEM, limits);
  }

  /** {@link #system} with the given tools. */
  public static Sandbox checked(Tools tools, SandboxLimits limits) {
    List<String> missing = new ArrayList<>();
    require(missing, tools.bwrap(), "apt-get install bubblewrap");
    require(missing, tools.python(), "apt-get install python3");
    require(missing, tools.setpriv(), "apt-get install util-linux");
    require(missing, tools.prlimit(), "apt-get install util-linux");
    if (!missing.isEmpty()) {
      throw new SandboxUnavailableException(
          "the code sandbox cannot run, so no model-written program is run: missing "
              + String.join("; ", missing));
    }
    long uid = realUid();
    if (uid != 0) {
      throw new SandboxUnavailableException(
          "the code sandbox runs each program as an unprivileged uid of its own ("
              + FIRST_UID
              + "+) so that its process limit binds, and switching to it needs root; this"
              + " process runs as uid "
              + uid
              + " (run the Kestra worker as root, as its Docker image does)");
    }
    Sandbox sandbox = new Sandbox(tools, limits);
    ProgramRun probe = sandbox.run("print(6 * 7)", "");
    if (!probe.ok() || !probe.stdout().strip().equals("42")) {
      sandbox.close();
      throw new SandboxUnavailableException(
          "bwrap could not run python3 in a sandbox (exit "
              + probe.exitCode()
              + (probe.timedOut() ? ", timed out" : "")
              + "): "
              + probe.stderr().strip());
    }
    return sandbox;
  }

  private static void require(List<String> missing, Path tool, String install) {
    if (!Files.isExecutable(tool)) {
      missing.add(tool + " (" + install + ")");
    }
  }

  public SandboxLimits limits() {
    return limits;
  }

  /** Runs {@code program} on {@code stdin}, waiting for a free uid slot. */
  public ProgramRun run(String program, String stdin) {
    int uid;
    try {
      uid = freeUids.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a sandbox slot", e);
    }
    try {
      return runAs(uid, program, stdin);
    } finally {
      reap(uid);
      freeUids.add(uid);
    }
  }

  /** Runs {@code program} once per input, up to {@code parallelism} at once; results in order. */
  public List<ProgramRun> runAll(String program, List<String> stdins) {
    return runAll(program, stdins, run -> false);
  }

  /**
   * {@link #runAll(String, List)} that stops early: once a run satisfies {@code stop} (e.g. a
   * timeout, which zeroes the reward anyway), inputs not started yet are skipped and their result
   * is null.
   */
  public List<ProgramRun> runAll(
      String program, List<String> stdins, java.util.function.Predicate<ProgramRun> stop) {
    AtomicBoolean stopped = new AtomicBoolean();
    List<Future<ProgramRun>> futures = new ArrayList<>(stdins.size());
    for (String in : stdins) {
      futures.add(
          pool.submit(() -> {
            if (stopped.get()) {
              return null;
            }
            ProgramRun run = run(program, in);
            if (stop.test(run)) {
              stopped.set(true);
            }
            return run;
          }));
    }
    List<ProgramRun> out = new ArrayList<>(stdins.size());
    try {
      for (Future<ProgramRun> f : futures) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running sandboxed programs", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
    return out;
  }

  private ProgramRun runAs(int uid, String program, String stdin) {
    Path dir = null;
    long start = System.nanoTime();
    Process process = null;
    try {
      dir =
          Files.createTempDirectory(
              "prorl-sandbox",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Files.writeString(dir.resolve("prog.py"), program, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(
          dir.resolve("prog.py"), PosixFilePermissions.fromString("rw-r--r--"));
      ProcessBuilder builder = new ProcessBuilder(command(uid, dir));
      builder.environment().clear();
      process = builder.start();
      Process p = process;
      AtomicBoolean exceeded = new AtomicBoolean();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread stdoutReader =
          Thread.ofVirtual()
              .start(() -> drain(p.getInputStream(), out, limits.maxOutputBytes(), exceeded, p));
      Thread stderrReader =
          Thread.ofVirtual().start(() -> drain(p.getErrorStream(), err, STDERR_KEPT, null, p));
      Thread.ofVirtual().start(() -> feed(p.getOutputStream(), stdin));
      boolean ended = p.waitFor((long) (limits.wallSeconds() * 1e9), TimeUnit.NANOSECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      p.waitFor();
      stdoutReader.join();
      stderrReader.join();
      int exit = p.exitValue();
      boolean cpuLimit = ended && exit == ProgramRun.EXIT_CPU_LIMIT;
      return new ProgramRun(
          ended && !exceeded.get() ? exit : -1,
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8),
          !ended || cpuLimit,
          exceeded.get(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the sandbox (" + tools.bwrap() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a sandboxed program ran", e);
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /** bwrap, then setpriv (drop to the slot's uid, no capabilities), prlimit, python3. */
  List<String> command(int uid, Path dir) {
    String tmpfsSize = Long.toString(limits.workDirBytes());
    List<String> c = new ArrayList<>();
    c.add(tools.bwrap().toString());
    c.addAll(
        List.of(
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session"));
    c.addAll(
        List.of(
            "--cap-drop",
            "ALL",
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
            "--cap-add",
            "CAP_SETPCAP"));
    c.addAll(
        List.of(
            "--clearenv",
            "--setenv",
            "PATH",
            "/usr/bin",
            "--setenv",
            "HOME",
            "/work",
            "--setenv",
            "LANG",
            "C.UTF-8"));
    c.addAll(
        List.of(
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--symlink",
            "usr/bin",
            "/bin",
            "--proc",
            "/proc",
            "--dev",
            "/dev"));
    c.addAll(List.of("--perms", "1777", "--size", tmpfsSize, "--tmpfs", "/tmp"));
    c.addAll(List.of("--perms", "1777", "--size", tmpfsSize, "--tmpfs", "/work"));
    c.addAll(List.of("--chdir", "/work", "--ro-bind", dir.toString(), "/sandbox"));
    c.addAll(
        List.of(
            tools.setpriv().toString(),
            "--reuid=" + uid,
            "--regid=" + uid,
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--"));
    c.addAll(
        List.of(
            tools.prlimit().toString(),
            "--nproc=" + limits.maxProcesses(),
            "--as=" + limits.memoryBytes(),
            // soft limit: SIGXCPU (exit 152, read as a timeout); hard, a second later: SIGKILL
            "--cpu=" + limits.cpuSeconds() + ":" + (limits.cpuSeconds() + 1),
            "--fsize=" + limits.workDirBytes(),
            "--nofile=64",
            "--core=0",
            "--"));
    c.addAll(List.of(tools.python().toString(), "-I", "-B", "/sandbox/prog.py"));
    return c;
  }

  /** Copies a stream, keeping at most {@code cap} bytes; past it, flags and kills the sandbox. */
  private static void drain(
      InputStream in, ByteArrayOutputStream kept, int cap, AtomicBoolean exceeded, Process p) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        int room = cap - kept.size();
        if (n > room) {
          kept.write(buf, 0, Math.max(0, room));
          if (exceeded != null) {
            exceeded.set(true);
            p.destroyForcibly();
            return;
          }
          // stderr: keep the first part, discard the rest without stopping the program
          continue;
        }
        kept.write(buf, 0, n);
      }
    } catch (IOException closedWhenKilled) {
      // the sandbox was killed: what was read is what the program wrote
    }
  }

  private static void feed(OutputStream stdin, String text) {
    try (stdin) {
      stdin.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException programDidNotRead) {
      // a program may exit without reading its input
    }
  }

  /**
   * After a run, waits until no process of {@code uid} is left (the PID namespace dies with the
   * sandbox, asynchronously), killing stragglers: the next program of this slot must start with a
   * process count of zero.
   */
  private static void reap(int uid) {
    long end = System.nanoTime() + REAP_DEADLINE_NANOS;
    while (true) {
      List<ProcessHandle> left = processesOf(uid);
      if (left.isEmpty()) {
        return;
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            "sandbox uid " + uid + " still has " + left.size() + " processes after the run");
      }
      left.forEach(ProcessHandle::destroyForcibly);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** The live processes whose real uid is {@code uid} (from /proc). */
  static List<ProcessHandle> processesOf(int uid) {
    List<ProcessHandle> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (uidOf(p) == uid) {
            ProcessHandle.of(Long.parseLong(name)).ifPresent(out::add);
          }
        } catch (IOException gone) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return out;
  }

  private static long uidOf(Path procDir) throws IOException {
    for (String line : Files.readAllLines(procDir.resolve("status"))) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
      }
    }
    return -1;
  }

  private static long realUid() {
    try {
      return uidOf(Path.of("/proc/self"));
    } catch (IOException e) {
      throw new SandboxUnavailableException(
          "cannot read /proc/self/status to learn this process's uid: " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a leftover empty temp folder is harmless
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
