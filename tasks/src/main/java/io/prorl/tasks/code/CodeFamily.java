package io.prorl.tasks.code;

import io.prorl.tasks.ComposedFamily;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.function.Supplier;

/**
 * Code: write a Python 3 program that reads stdin and writes stdout; reward = share of hidden tests
 * passed, run in the bubblewrap {@link Sandbox}. The sandbox is made on the first scoring, once per
 * JVM; generating, solving and validating problems need none.
 */
public final class CodeFamily extends ComposedFamily {
  public static final String NAME = "code";

  /** The builtin family, scoring in this machine's sandbox ({@link SandboxLimits#configured}). */
  public CodeFamily() {
    this(SystemSandbox::get);
  }

  /** The family scoring in the given sandbox (tests use shorter limits). */
  public CodeFamily(Supplier<Sandbox> sandbox) {
    super(
        NAME,
        "Python 3 programs on stdin/stdout, run in a bubblewrap sandbox; reward = share of tests"
            + " passed",
        false,
        CodeGenerator.DEFAULTS,
        new CodeGenerator()::generate,
        new CodeSolver()::solve,
        new CodeVerifier(sandbox)::score,
        CodeFamily::check);
  }

  /** Every recorded expected output must be what the kind's reference computes on its input. */
  private static void check(Problem problem) {
    CodeSpec spec = CodeSpec.of(problem);
    for (int i = 0; i < spec.tests().size(); i++) {
      CodeSpec.Test t = spec.tests().get(i);
      String expected;
      try {
        expected = spec.kind().expected(CodeKind.parse(t.input()));
      } catch (RuntimeException e) {
        throw new InvalidProblemException(
            "verifier.tests[" + i + "].input: not a count and that many integers");
      }
      if (!CodeVerifier.normalize(expected).equals(CodeVerifier.normalize(t.output()))) {
        throw new InvalidProblemException(
            "verifier.tests["
                + i
                + "].output: "
                + t.output()
                + " is not the "
                + spec.kind().knob()
                + " of the input ("
                + expected
                + ")");
      }
    }
  }

  /** One sandbox per JVM for the builtin family, made when first needed. */
  private static final class SystemSandbox {
    private static Sandbox instance;

    static synchronized Sandbox get() {
      if (instance == null) {
        instance = Sandbox.system(SandboxLimits.configured());
      }
      return instance;
    }
  }
}
