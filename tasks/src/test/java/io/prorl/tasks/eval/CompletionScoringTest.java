package io.prorl.tasks.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CompletionScoringTest {
  private final TaskFamilies families = TaskFamilies.builtIn();

  private static String line(Problem p, String completion) {
    return "{\"problem\":"
        + ProblemJsonl.toLine(p)
        + ",\"completion\":"
        + Json.MAPPER.writeValueAsString(completion)
        + "}\n";
  }

  @Test
  void scoresEachLineAndGroupsCompletionsByProblem() throws Exception {
    List<Problem> ps = families.generate("arithmetic", Map.of(), 4, 2);
    Problem a = ps.get(0);
    Problem b = ps.get(1);
    String input =
        line(a, a.solution())
            + line(a, "<answer>nonsense</answer>")
            + line(b, "no answer at all")
            + line(b, b.solution());
    StringWriter out = new StringWriter();
    CompletionScoring.Summary s =
        new CompletionScoring(families)
            .score(new BufferedReader(new StringReader(input)), "c.jsonl", List.of(1, 2), out);

    assertThat(s.lines()).isEqualTo(4);
    assertThat(s.problems()).isEqualTo(2);
    assertThat(s.passAtK()).containsEntry(1, 0.5).containsEntry(2, 1.0);
    assertThat(s.perFamily().get("arithmetic")).containsEntry(1, 0.5);
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(4);
    JsonNode first = Json.MAPPER.readTree(lines[0]);
    assertThat(first.path("reward").path("correct").asBoolean()).isTrue();
    assertThat(first.path("problem").path("id").asString()).isEqualTo(a.id());
    JsonNode third = Json.MAPPER.readTree(lines[2]);
    assertThat(third.path("reward").path("formatOk").asBoolean()).isFalse();
  }

  @Test
  void codeCompletionsAreRunInTheSandboxAndScoredByTheirTests() throws Exception {
    Problem p = families.generate("code", Map.of("kind", "max", "tests", 4), 9, 1).get(0);
    String input =
        line(p, p.solution())
            + line(p, "```python\nimport sys\nprint(sys.stdin.read().split()[1])\n```")
            + line(p, "```python\nwhile True:\n    pass\n```");
    StringWriter out = new StringWriter();
    CompletionScoring.Summary s =
        new CompletionScoring(families)
            .score(new BufferedReader(new StringReader(input)), "c.jsonl", List.of(1), out);
    // pass@1 = mean over the 3 completions of "correct": only the reference is
    assertThat(s.perFamily().get("code").get(1)).isCloseTo(1.0 / 3, within(1e-12));
    String[] lines = out.toString().split("\n");
    assertThat(Json.MAPPER.readTree(lines[0]).path("reward").path("value").asDouble())
        .isEqualTo(1.0);
    // the first integer is the maximum only by chance: a share of the tests, below 1
    assertThat(Json.MAPPER.readTree(lines[1]).path("reward").path("value").asDouble())
        .isLessThan(1.0);
    assertThat(Json.MAPPER.readTree(lines[2]).path("reward").path("reason").asString())
        .startsWith("test 1 ran past the time limit");
  }

  @Test
  void badLinesNameTheLineAndTheField() {
    Problem p = families.generate("arithmetic", Map.of(), 4, 1).get(0);
    CompletionScoring scoring = new CompletionScoring(families);
    assertThatThrownBy(() ->
            scoring.score(
                new BufferedReader(
                    new StringReader(
                        line(p, "x") + "{\"problem\":" + ProblemJsonl.toLine(p) + "}")),
                "c.jsonl",
                List.of(1),
                new StringWriter()))
        .hasMessageContaining("c.jsonl:2")
        .hasMessageContaining("completion");
    assertThatThrownBy(() ->
            scoring.score(
                new BufferedReader(new StringReader("{\"completion\":\"x\"}")),
                "c.jsonl",
                List.of(1),
                new StringWriter()))
        .hasMessageContaining("c.jsonl:1")
        .hasMessageContaining("problem");
  }
}
