package io.prorl.tasks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate} with the quickstart's knobs, text ones included, as a user types them. */
class TasksCliTest {
  @TempDir Path dir;

  @Test
  void generatesWithTextKnobsAsTheFlowsUseThem() throws Exception {
    Path out = dir.resolve("sums.jsonl");
    int rc =
        run(
            "generate",
            "--family",
            "arithmetic",
            "--count",
            "5",
            "--seed",
            "3",
            "--difficulty",
            "terms=2,maxOperand=99,operations=+,division=false,worked=columns",
            "--out",
            out.toString());

    assertThat(rc).isZero();
    List<Problem> problems = new ProblemJsonl(TaskFamilies.builtIn()).read(out);
    assertThat(problems).hasSize(5);
    assertThat(problems.getFirst().difficulty())
        .containsEntry("worked", "columns")
        .containsEntry("operations", "+")
        .containsEntry("maxOperand", 99);
  }

  @Test
  void aTextValueOutsideTheKnobsAllowedOnesNamesTheKnob() {
    assertThatThrownBy(() ->
            run(
                "generate",
                "--family",
                "arithmetic",
                "--count",
                "1",
                "--difficulty",
                "worked=rows",
                "--out",
                dir.resolve("x.jsonl").toString()))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessageContaining("difficulty.worked")
        .hasMessageContaining("rows");
  }

  /** The command line as {@code ./prorl tasks ...} runs it, its report discarded. */
  private static int run(String... args) throws Exception {
    return new TasksCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run(args);
  }
}
