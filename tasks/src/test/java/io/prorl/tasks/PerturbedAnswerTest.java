package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.arithmetic.MathAnswer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A reference answer changed in a way that breaks it never gets full credit. */
class PerturbedAnswerTest {
  private static final TaskFamilies FAMILIES = TaskFamilies.builtIn();
  private static final int COUNT = 150;

  @Test
  void arithmeticOffByOneScoresZero() {
    assertAllBroken(
        "arithmetic", true, answer -> MathAnswer.parse(answer).plus(Fraction.of(1)).toString());
  }

  @Test
  void countdownExpressionUsingNumbersTwiceScoresZero() {
    assertAllBroken("countdown", true, answer -> answer + " + " + answer);
  }

  @Test
  void countdownExpressionWithAnotherValueScoresZero() {
    assertAllBroken("countdown", true, answer -> answer.replaceAll("^\\D*(\\d+).*$", "$1"));
  }

  @Test
  void graphColoringWithOneConflictGetsPartialCredit() {
    for (int i = 0; i < COUNT; i++) {
      Problem p = FAMILIES.get("graph_color").generate(Map.of(), 21, i);
      List<?> edges = (List<?>) p.verifier().get("edges");
      if (edges.isEmpty()) {
        continue;
      }
      List<?> edge = (List<?>) edges.get(0);
      ObjectNode coloring = (ObjectNode) Json.MAPPER.readTree(solve(p));
      coloring.put(edge.get(0).toString(), coloring.get(edge.get(1).toString()).asInt());
      Reward r = FAMILIES.score(p, "<answer>" + coloring + "</answer>");
      assertThat(r.correct()).isFalse();
      assertThat(r.value()).isGreaterThan(0.5).isLessThan(1.0);
      assertThat(r.reason()).contains("joins color");
    }
  }

  @Test
  void boxnetPlanWithoutItsLastStepGetsPartialCredit() {
    for (int i = 0; i < COUNT; i++) {
      Problem p = FAMILIES.get("boxnet").generate(Map.of(), 21, i);
      ArrayNode plan = (ArrayNode) Json.MAPPER.readTree(solve(p));
      plan.remove(plan.size() - 1);
      Reward r = FAMILIES.score(p, "<answer>" + plan + "</answer>");
      assertThat(r.correct()).isFalse();
      assertThat(r.value()).isGreaterThanOrEqualTo(0.05).isLessThan(1.0);
    }
  }

  @Test
  void instructionTextBreakingEveryConstraintScoresZero() {
    for (int i = 0; i < COUNT; i++) {
      Problem p = FAMILIES.get("instruction").generate(Map.of(), 21, i);
      String forbidden = "";
      for (Object c : (List<?>) p.verifier().get("constraints")) {
        Map<?, ?> constraint = (Map<?, ?>) c;
        if (constraint.get("type").equals("forbidden_word")) {
          forbidden = " " + constraint.get("word");
        }
      }
      Reward r = FAMILIES.score(p, "<answer>Alpha, Beta, Gamma" + forbidden + "</answer>");
      assertThat(r.value()).as(p.verifier().toString()).isEqualTo(0.0);
      assertThat(r.formatOk()).isTrue();
    }
  }

  @Test
  void stemMcqOtherLetterScoresZero() {
    assertAllBroken(
        "stem_mcq",
        true,
        letter -> String.valueOf((char) ('A' + (letter.charAt(0) - 'A' + 1) % 4)));
  }

  private static String solve(Problem p) {
    return FAMILIES.get(p.family()).solve(p).answer();
  }

  private static void assertAllBroken(
      String family, boolean binary, Function<String, String> perturb) {
    TaskFamily f = FAMILIES.get(family);
    for (int i = 0; i < COUNT; i++) {
      Problem p = f.generate(Map.of(), 21, i);
      String broken = perturb.apply(f.solve(p).answer());
      Reward r = f.score(p, "<answer>" + broken + "</answer>");
      assertThat(r.correct()).as("%s: %s", p.id(), broken).isFalse();
      if (binary) {
        assertThat(r.value()).isEqualTo(0.0);
      }
      assertThat(r.formatOk()).as(r.reason()).isTrue();
    }
  }
}
