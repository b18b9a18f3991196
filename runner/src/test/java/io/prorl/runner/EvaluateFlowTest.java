package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** flows/prorl-evaluate.yaml in both of its modes, through the README's run command. */
class EvaluateFlowTest {
  private static final int PROBLEMS = 3;

  @TempDir Path tmp;

  private List<Problem> problems() {
    return TaskFamilies.builtIn()
        .generate("graph_color", Map.of("vertices", 4, "edgeProbability", 0.5), 7, PROBLEMS);
  }

  @Test
  void checkpointModeEvaluatesBothPoliciesOnTheProblems() throws Exception {
    Path base = EmbeddedDefault.write(tmp.resolve("base"), 1);
    Path trained = EmbeddedDefault.write(tmp.resolve("trained"), 2);
    Path problems = tmp.resolve("problems.jsonl");
    ProblemJsonl.write(problems(), problems);

    JsonNode doc =
        run(
            "base=" + base.toUri(),
            "trained=" + trained.toUri(),
            "problems=" + problems.toUri(),
            "samples=2");

    JsonNode evaluate = doc.path("outputs").path("evaluate");
    assertThat(doc.path("outputs").has("score")).isFalse();
    assertThat(evaluate.path("problems").asInt()).isEqualTo(PROBLEMS);
    assertThat(evaluate.path("ks").toString()).isEqualTo("[1,2]");
    for (String policy : List.of("base", "trained")) {
      JsonNode overall = evaluate.path("passAtK").path(policy);
      JsonNode family = evaluate.path("perFamily").path(policy).path("graph_color");
      for (String k : List.of("1", "2")) {
        double v = overall.path(k).asDouble(-1);
        assertThat(v).as("%s pass@%s", policy, k).isBetween(0.0, 1.0);
        // one family: its pass@k is the overall one
        assertThat(family.path(k).asDouble(-1)).isEqualTo(v);
      }
      assertThat(overall.path("2").asDouble()).isGreaterThanOrEqualTo(overall.path("1").asDouble());
    }
    assertThat(Path.of(evaluate.path("report").asString())).exists();
  }

  @Test
  void completionsModeScoresTheGivenCompletions() throws Exception {
    // per problem: its worked solution (reward 1) and a response with no answer (reward 0)
    Path completions = tmp.resolve("completions.jsonl");
    List<String> lines = new ArrayList<>();
    for (Problem p : problems()) {
      for (String completion : List.of(p.solution(), "I do not know.")) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("problem", Json.MAPPER.readTree(ProblemJsonl.toLine(p)));
        line.put("completion", completion);
        lines.add(Json.MAPPER.writeValueAsString(line));
      }
    }
    Files.write(completions, lines);

    JsonNode doc = run("completions=" + completions.toUri());

    JsonNode score = doc.path("outputs").path("score");
    assertThat(doc.path("outputs").has("evaluate")).isFalse();
    assertThat(score.path("lines").asInt()).isEqualTo(2 * PROBLEMS);
    assertThat(score.path("meanReward").asDouble()).isCloseTo(0.5, offset(1e-12));
    // n = 2, c = 1 for every problem: pass@1 = 1 - C(1,1)/C(2,1) = 0.5
    assertThat(score.path("passAtK").path("1").asDouble()).isCloseTo(0.5, offset(1e-12));
    assertThat(score.path("perFamily").path("graph_color").path("1").asDouble())
        .isCloseTo(0.5, offset(1e-12));
    assertThat(Path.of(score.path("uri").asString())).exists();
  }

  private JsonNode run(String... inputs) throws Exception {
    Path out = tmp.resolve("out-" + System.nanoTime() + ".json");
    List<String> args = new ArrayList<>();
    args.add("run");
    args.add(FlowValidationTest.flows().resolve("prorl-evaluate.yaml").toString());
    for (String input : inputs) {
      args.add("--input");
      args.add(input);
    }
    args.add("--outputs");
    args.add(out.toString());
    int code = RunCommand.execute(args.toArray(String[]::new));
    JsonNode doc = Json.MAPPER.readTree(Files.readString(out));
    assertThat(doc.path("state").asString()).isEqualTo("SUCCESS");
    assertThat(code).isZero();
    return doc;
  }
}
