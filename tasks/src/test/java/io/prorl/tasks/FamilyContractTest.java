package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.prorl.tasks.code.CodeFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every family promises: solvable, seeded, and robust to hostile completions. */
class FamilyContractTest {
  private static final TaskFamilies FAMILIES = TaskFamilies.builtIn();
  private static final int COUNT = 150;

  static Stream<String> families() {
    return FAMILIES.names().stream();
  }

  /** Each family at its defaults and at a harder setting. */
  static Stream<Arguments> settings() {
    return Stream.of(
        Arguments.of("arithmetic", Map.of()),
        Arguments.of("arithmetic", Map.of("terms", 6, "maxOperand", 50)),
        Arguments.of("arithmetic", Map.of("division", false)),
        Arguments.of("countdown", Map.of()),
        Arguments.of("countdown", Map.of("numbers", 6, "maxNumber", 100, "maxTarget", 999)),
        Arguments.of("graph_color", Map.of()),
        Arguments.of("graph_color", Map.of("vertices", 20, "edgeProbability", 0.3)),
        Arguments.of("graph_color", Map.of("vertices", 8, "colors", 4)),
        Arguments.of("boxnet", Map.of()),
        Arguments.of("boxnet", Map.of("rows", 4, "cols", 5, "boxes", 6)),
        Arguments.of("instruction", Map.of()),
        Arguments.of("instruction", Map.of("constraints", 6, "minWords", 40)),
        Arguments.of("instruction", Map.of("constraints", 1)),
        Arguments.of("stem_mcq", Map.of()),
        Arguments.of("stem_mcq", Map.of("options", 6)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("settings")
  void everyGeneratedProblemIsSolvedByItsReferenceSolverAndScoresOne(
      String family, Map<String, Object> difficulty) {
    TaskFamily f = FAMILIES.get(family);
    for (int i = 0; i < COUNT; i++) {
      Problem p = f.generate(difficulty, 7, i);
      f.validate(p);
      Solution s = f.solve(p);
      Reward r = f.score(p, s.completion());
      assertThat(r.correct()).as("%s: %s -> %s", p.id(), s.completion(), r.reason()).isTrue();
      assertThat(r.value()).isEqualTo(1.0);
      assertThat(r.formatOk()).isTrue();
      assertThat(s.completion()).contains(s.answer());
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void sameSeedGivesTheSameProblemsAndAnotherSeedOthers(String family) {
    List<String> a = lines(FAMILIES.generate(family, Map.of(), 42, 20));
    List<String> b = lines(FAMILIES.generate(family, Map.of(), 42, 20));
    List<String> c = lines(FAMILIES.generate(family, Map.of(), 43, 20));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a.stream().distinct().count()).as("problems within one stream").isGreaterThan(15);
  }

  @ParameterizedTest
  @MethodSource("families")
  void problemIndexIsIndependentOfWhatWasGeneratedBefore(String family) {
    TaskFamily f = FAMILIES.get(family);
    Problem direct = f.generate(Map.of(), 5, 9);
    Problem inStream = FAMILIES.generate(family, Map.of(), 5, 10).get(9);
    assertThat(inStream.withSolution(null)).isEqualTo(direct);
  }

  @ParameterizedTest
  @MethodSource("families")
  void hostileCompletionsGetAReasonNeverAnExceptionOrAHang(String family) {
    TaskFamily f = FAMILIES.get(family);
    Problem p = f.generate(Map.of(), 11, 0);
    List<String> hostile = new ArrayList<>();
    hostile.add("");
    hostile.add("   \n\t ");
    hostile.add("no answer here at all");
    hostile.add("<answer></answer>");
    hostile.add("<answer>   </answer>");
    hostile.add("<answer>unterminated");
    hostile.add("\\boxed{");
    hostile.add("\\boxed{{{{{{}");
    hostile.add("\\boxed{\\frac{1}{\\frac{2}{\\frac{3}{4}}}}");
    hostile.add("<answer><answer><answer>x</answer>");
    hostile.add("</answer><answer>");
    hostile.add("x".repeat(3_000_000));
    hostile.add("<answer>" + "(".repeat(200_000) + "</answer>");
    hostile.add("<answer>" + "[".repeat(50_000) + "</answer>");
    hostile.add("<answer>" + "{\"a\":".repeat(20_000) + "</answer>");
    hostile.add("<answer>" + "9".repeat(90_000) + "</answer>");
    hostile.add("<answer>" + "1+".repeat(400) + "1</answer>");
    hostile.add("<answer>" + "y ".repeat(200_000) + "</answer>");
    hostile.add("\\boxed{" + "{".repeat(100_000) + "}".repeat(100_000) + "}");
    hostile.add("<answer>\u0410</answer>"); // Cyrillic capital A, looks like Latin A
    hostile.add("<answer>\u0031\u0338</answer>"); // 1 with a combining slash
    hostile.add("<answer>\u0000\u0001\uFFFF</answer>");
    hostile.add("<answer>\uD83D\uDE00</answer>"); // an emoji (surrogate pair)
    hostile.add("<answer>\uD800</answer>"); // a lone surrogate
    hostile.add("<answer>{\"0\": 1, \"0\": 2}</answer>");
    hostile.add("<answer>[[{\"agent\": [0, 0], \"box\": null, \"to\": {}}]]</answer>");
    hostile.add("<answer>null</answer>");
    hostile.add("<answer>1e999999999</answer>");
    hostile.add("<answer>NaN</answer>");
    hostile.add("</think><answer>A or B</answer>");
    hostile.add("<answer>1</answer></think>");
    for (String completion : hostile) {
      Reward r =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10), () -> f.score(p, completion), () -> clip(completion));
      assertThat(r.reason()).as(clip(completion)).isNotBlank();
      assertThat(r.value()).as(clip(completion)).isBetween(0.0, 1.0);
      assertThat(r.correct()).as(clip(completion)).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void onlyTheLastAnswerCounts(String family) {
    TaskFamily f = FAMILIES.get(family);
    Problem p = f.generate(Map.of(), 3, 1);
    // the code family's answer is a ```python block; every other family's an <answer> block
    boolean code = family.equals(CodeFamily.NAME);
    String right =
        code
            ? "```python\n" + f.solve(p).answer() + "```\n"
            : "<answer>" + f.solve(p).answer() + "</answer>";
    String wrong = code ? "```python\nprint('not it')\n```\n" : "<answer>not it</answer>";
    assertThat(f.score(p, wrong + right).correct()).isTrue();
    assertThat(f.score(p, right + wrong).correct()).isFalse();
    assertThat(f.score(p, right + "</think>" + wrong).correct()).isFalse();
    assertThat(f.score(p, "<think>" + right + "</think> done").formatOk())
        .as("answers inside the reasoning are not graded")
        .isFalse();
  }

  private static List<String> lines(List<Problem> problems) {
    return problems.stream().map(ProblemJsonl::toLine).toList();
  }

  private static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
  }
}
