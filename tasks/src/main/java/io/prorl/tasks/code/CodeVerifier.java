package io.prorl.tasks.code;

import io.prorl.tasks.Answer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.util.List;
import java.util.function.Supplier;

/**
 * ProRL's code reward: the share of hidden tests whose stdout equals the expected output (each line
 * compared after trimming trailing whitespace, trailing empty lines ignored); 0 with a reason on a
 * syntax error, a crash on every test, a test past the time limit or output past its limit.
 * Programs run only in the {@link Sandbox}, up to its parallelism at once.
 */
final class CodeVerifier {
  private final Supplier<Sandbox> sandbox;

  CodeVerifier(Supplier<Sandbox> sandbox) {
    this.sandbox = sandbox;
  }

  Reward score(Problem problem, String completion) {
    Answer answer = CodeAnswer.extract(completion);
    if (!answer.isFound()) {
      return Reward.formatFailure(answer.failure());
    }
    CodeSpec spec = CodeSpec.of(problem);
    Sandbox box = sandbox.get();
    // a timeout or runaway output zeroes the reward: tests not started by then are skipped
    List<ProgramRun> runs =
        box.runAll(
            answer.text(),
            spec.tests().stream().map(CodeSpec.Test::input).toList(),
            run -> run.timedOut() || run.outputExceeded());
    int total = runs.size();
    if (runs.get(0).syntaxError()) {
      return Reward.wrong("syntax error: " + runs.get(0).lastErrorLine());
    }
    int crashed = 0;
    int passed = 0;
    String firstFailure = null;
    for (int i = 0; i < total; i++) {
      ProgramRun run = runs.get(i);
      if (run == null) {
        continue; // skipped after a timeout or runaway output, reported below
      }
      if (run.timedOut()) {
        return Reward.wrong(
            "test "
                + (i + 1)
                + " ran past the time limit ("
                + box.limits().cpuSeconds()
                + " s CPU, "
                + box.limits().wallSeconds()
                + " s wall)");
      }
      if (run.outputExceeded()) {
        return Reward.wrong(
            "test " + (i + 1) + " wrote more than " + box.limits().maxOutputBytes() + " bytes");
      }
      if (run.exitCode() != 0) {
        crashed++;
        firstFailure =
            firstFailure != null
                ? firstFailure
                : "test " + (i + 1) + " crashed: " + run.lastErrorLine();
      } else if (normalize(run.stdout()).equals(normalize(spec.tests().get(i).output()))) {
        passed++;
      } else if (firstFailure == null) {
        firstFailure = "test " + (i + 1) + ": wrong output";
      }
    }
    if (crashed == total) {
      return Reward.wrong("crashed on every test; " + firstFailure);
    }
    String reason = passed + "/" + total + " tests passed";
    return Reward.partial(
        passed, total, firstFailure == null ? reason : reason + "; " + firstFailure);
  }

  /** Lines with trailing whitespace trimmed, without trailing empty lines. */
  static String normalize(String out) {
    String[] lines = out.split("\n", -1);
    StringBuilder b = new StringBuilder();
    int last = lines.length - 1;
    while (last >= 0 && lines[last].strip().isEmpty()) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      b.append(lines[i].stripTrailing()).append('\n');
    }
    return b.toString();
  }
}
