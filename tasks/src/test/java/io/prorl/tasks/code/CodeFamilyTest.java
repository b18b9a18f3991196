package io.prorl.tasks.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.ProblemSchema;
import io.prorl.tasks.Reward;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The code family's contract, every program run in the real bubblewrap sandbox. */
class CodeFamilyTest {
  private static Sandbox sandbox;
  private static CodeFamily family;

  @BeforeAll
  static void sandbox() {
    sandbox = Sandbox.system(SandboxLimits.DEFAULTS.withTime(2, 4.0).withParallelism(2));
    family = new CodeFamily(() -> sandbox);
  }

  @AfterAll
  static void close() {
    sandbox.close();
  }

  private static Problem problem(CodeKind kind, int index) {
    return family.generate(Map.of("kind", kind.knob()), 5, index);
  }

  private static String block(String program) {
    return "Here is my program.\n```python\n" + program + "\n```";
  }

  @Test
  void sameSeedSameProblemsAndTheTestsAreHidden() throws Exception {
    for (int i = 0; i < 5; i++) {
      Problem a = family.generate(Map.of(), 11, i);
      assertThat(family.generate(Map.of(), 11, i)).isEqualTo(a);
      assertThat(family.generate(Map.of(), 12, i).verifier()).isNotEqualTo(a.verifier());
      CodeSpec spec = CodeSpec.of(a);
      assertThat(spec.tests()).hasSize(5);
      for (CodeSpec.Test t : spec.tests()) {
        assertThat(a.prompt()).doesNotContain(t.input());
      }
      assertThat(ProblemSchema.violations(Json.MAPPER.readTree(ProblemJsonl.toLine(a)))).isEmpty();
    }
  }

  @Test
  void everyKindsReferenceSolutionScoresOneAndAgreesWithTheJavaReference() {
    for (CodeKind kind : CodeKind.values()) {
      for (int i = 0; i < 2; i++) {
        Problem p = problem(kind, i);
        family.validate(p);
        Reward r = family.score(p, family.solve(p).completion());
        assertThat(r.correct()).as("%s: %s", kind, r.reason()).isTrue();
        assertThat(r.reason()).isEqualTo("5/5 tests passed");
      }
    }
  }

  @Test
  void perturbedProgramsScoreLess() {
    Problem p = problem(CodeKind.SUM, 0);
    String read = "import sys\nd = sys.stdin.read().split()\nxs = [int(t) for t in d[1:]]\n";
    // off by one: no test passes
    Reward off = family.score(p, block(read + "print(sum(xs) + 1)"));
    assertThat(off.value()).isZero();
    assertThat(off.reason()).isEqualTo("0/5 tests passed; test 1: wrong output");
    // right only on inputs of even length: exactly those tests pass
    int even = 0;
    for (CodeSpec.Test t : CodeSpec.of(p).tests()) {
      even += CodeKind.parse(t.input()).length % 2 == 0 ? 1 : 0;
    }
    Reward half = family.score(p, block(read + "print(sum(xs) if len(xs) % 2 == 0 else 0)"));
    assertThat(half.value()).isEqualTo(even / 5.0);
    // trailing spaces and blank lines are not differences
    Reward spaced = family.score(p, block(read + "print(str(sum(xs)) + '   ')\nprint()\nprint()"));
    assertThat(spaced.correct()).as(spaced.reason()).isTrue();
    // another kind's solution
    Problem max = problem(CodeKind.MAX, 0);
    assertThat(family.score(max, family.solve(p).completion()).correct()).isFalse();
  }

  @Test
  void syntaxErrorsCrashesAndMissingProgramsScoreZeroWithAReason() {
    Problem p = problem(CodeKind.SORT, 1);
    Reward syntax = family.score(p, block("print(1"));
    assertThat(syntax.value()).isZero();
    assertThat(syntax.formatOk()).isTrue();
    assertThat(syntax.reason()).startsWith("syntax error: SyntaxError");

    Reward crash = family.score(p, block("raise ValueError('no')"));
    assertThat(crash.value()).isZero();
    assertThat(crash.reason()).isEqualTo("crashed on every test; test 1 crashed: ValueError: no");

    Reward none = family.score(p, "print(sorted(xs))");
    assertThat(none.formatOk()).isFalse();
    assertThat(none.reason()).isEqualTo("no ```python code block found");

    Reward unclosed = family.score(p, "```python\nprint(1)\n");
    assertThat(unclosed.formatOk()).isFalse();
    assertThat(unclosed.reason()).isEqualTo("the last ```python block is not closed");

    String thinking = "<think>```python\nprint(1)\n```</think> I give up.";
    assertThat(family.score(p, thinking).reason())
        .isEqualTo("no ```python code block found after </think>");
  }

  @Test
  void aRecordWhoseExpectedOutputIsWrongIsRejectedNamingTheField() {
    Problem p = problem(CodeKind.COUNT_EVEN, 0);
    Map<String, Object> verifier = new LinkedHashMap<>(p.verifier());
    List<Map<String, Object>> tests = new ArrayList<>();
    for (CodeSpec.Test t : CodeSpec.of(p).tests()) {
      tests.add(new LinkedHashMap<>(Map.of("input", t.input(), "output", t.output())));
    }
    tests.get(2).put("output", "-1");
    verifier.put("tests", tests);
    Problem bad = new Problem(p.id(), p.family(), p.difficulty(), p.prompt(), verifier, null);
    assertThatThrownBy(() -> family.validate(bad))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessageStartingWith("verifier.tests[2].output: -1 is not the count_even of the input");
    assertThatThrownBy(() -> family.generate(Map.of("kind", "fizzbuzz"), 1, 0))
        .hasMessageContaining("code difficulty.kind: must be one of any, sum, max");
  }

  @Test
  void missingToolsFailAtOnceNamingWhatToInstall() {
    Sandbox.Tools noBwrap =
        new Sandbox.Tools(
            Path.of("/nonexistent/bwrap"),
            Sandbox.Tools.SYSTEM.python(),
            Sandbox.Tools.SYSTEM.setpriv(),
            Sandbox.Tools.SYSTEM.prlimit());
    assertThatThrownBy(() -> Sandbox.checked(noBwrap, SandboxLimits.DEFAULTS))
        .isInstanceOf(SandboxUnavailableException.class)
        .hasMessage(
            "the code sandbox cannot run, so no model-written program is run: missing"
                + " /nonexistent/bwrap (apt-get install bubblewrap)");
    CodeFamily unavailable = new CodeFamily(() -> Sandbox.checked(noBwrap, SandboxLimits.DEFAULTS));
    Problem p = problem(CodeKind.SUM, 0);
    assertThatThrownBy(() -> unavailable.score(p, family.solve(p).completion()))
        .isInstanceOf(SandboxUnavailableException.class);
  }

  @Test
  void theParallelismKnobIsReadAndCheckedNamingItsSource() {
    try {
      System.setProperty(SandboxLimits.PARALLELISM_PROPERTY, "3");
      assertThat(SandboxLimits.configured().parallelism()).isEqualTo(3);
      System.setProperty(SandboxLimits.PARALLELISM_PROPERTY, "0");
      assertThatThrownBy(SandboxLimits::configured)
          .hasMessage(
              "prorl.sandbox.parallelism: the sandbox parallelism must lie in [1, 64], got 0");
    } finally {
      System.clearProperty(SandboxLimits.PARALLELISM_PROPERTY);
    }
  }
}
