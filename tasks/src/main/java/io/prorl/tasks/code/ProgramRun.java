package io.prorl.tasks.code;

/**
 * One sandboxed run of a program on one input.
 *
 * @param exitCode the program's exit status (-1 when the sandbox was killed)
 * @param stdout what it wrote to stdout, at most the output limit (UTF-8, malformed bytes replaced)
 * @param stderr the end of what it wrote to stderr (for reasons)
 * @param timedOut killed at the wall-clock limit, or by the kernel at the CPU limit
 * @param outputExceeded killed for writing more than the output limit
 * @param wallMillis wall-clock time of the whole sandboxed run
 */
public record ProgramRun(
    int exitCode,
    String stdout,
    String stderr,
    boolean timedOut,
    boolean outputExceeded,
    long wallMillis) {

  /** SIGXCPU (24) or SIGKILL (9) after RLIMIT_CPU, as a shell reports it: 128 + signal. */
  static final int EXIT_CPU_LIMIT = 128 + 24;

  public boolean ok() {
    return exitCode == 0 && !timedOut && !outputExceeded;
  }

  /** Python reported a syntax error before running anything. */
  public boolean syntaxError() {
    return exitCode != 0 && stdout.isEmpty() && stderr.contains("SyntaxError");
  }

  /** The last line of stderr, for a reason; the exit status (and signal) when stderr is empty. */
  public String lastErrorLine() {
    String[] lines = stderr.strip().split("\n");
    String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
    if (!last.isEmpty()) {
      return last;
    }
    return exitCode > 128 && exitCode < 160
        ? "exit " + exitCode + " (killed by signal " + (exitCode - 128) + ")"
        : "exit " + exitCode + ", nothing on stderr";
  }
}
