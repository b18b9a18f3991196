package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProblemJsonlTest {
  private final TaskFamilies families = TaskFamilies.builtIn();
  private final ProblemJsonl jsonl = new ProblemJsonl(families);

  @Test
  void everyFamilyRoundTripsThroughAFileUnchanged(@TempDir Path dir) throws IOException {
    List<Problem> problems = new ArrayList<>();
    for (String family : families.names()) {
      problems.addAll(families.generate(family, Map.of(), 9, 25));
    }
    Path file = dir.resolve("sub/problems.jsonl");
    ProblemJsonl.write(problems, file);

    List<Problem> back = jsonl.read(file);

    assertThat(back).hasSameSizeAs(problems);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(ProblemJsonl.toLine(back.get(i))).isEqualTo(ProblemJsonl.toLine(problems.get(i)));
      assertThat(families.score(back.get(i), back.get(i).solution()).correct()).isTrue();
    }
    assertThat(Files.readAllLines(file)).hasSize(problems.size());
  }

  @Test
  void aProblemWithoutSolutionOmitsTheField() {
    Problem p = families.get("countdown").generate(Map.of(), 1, 0);
    assertThat(ProblemJsonl.toLine(p)).doesNotContain("solution");
    assertThat(jsonl.parseLine(ProblemJsonl.toLine(p), "x", 1)).isEqualTo(p);
  }

  @Test
  void blankLinesAreSkipped() throws IOException {
    Problem p = families.get("arithmetic").generate(Map.of(), 1, 0);
    String text = "\n" + ProblemJsonl.toLine(p) + "\n   \n";
    assertThat(jsonl.read(new StringReader(text), "mem")).containsExactly(p);
  }

  @Test
  void malformedJsonNamesFileAndLine() {
    String good = ProblemJsonl.toLine(families.get("arithmetic").generate(Map.of(), 1, 0));
    assertError(good + "\n{\"id\": \"x\",", "data.jsonl:2: not valid JSON");
  }

  @Test
  void missingFieldIsNamed() {
    assertError(
        "{\"id\":\"a\",\"family\":\"countdown\",\"verifier\":{\"numbers\":[1,2],\"target\":3}}",
        "data.jsonl:1: field record: required property 'prompt' not found");
  }

  @Test
  void wrongTypeInsideTheVerifierIsNamedByPath() {
    assertError(
        "{\"id\":\"a\",\"family\":\"countdown\",\"prompt\":\"p\","
            + "\"verifier\":{\"numbers\":[1,2],\"target\":\"ten\"}}",
        "data.jsonl:1: field verifier.target: string found, integer expected");
  }

  @Test
  void unknownFamilyIsNamed() {
    assertError(
        "{\"id\":\"a\",\"family\":\"sudoku\",\"prompt\":\"p\",\"verifier\":{}}",
        "data.jsonl:1: field family: does not have a value in the enumeration");
  }

  @Test
  void unknownTopLevelFieldIsRefused() {
    assertError(
        "{\"id\":\"a\",\"family\":\"countdown\",\"prompt\":\"p\",\"answer\":3,"
            + "\"verifier\":{\"numbers\":[1,2],\"target\":3}}",
        "data.jsonl:1: field record: property 'answer' is not defined in the schema");
  }

  @Test
  void familyCheckBeyondTheSchemaNamesFileLineAndField() {
    assertError(
        "{\"id\":\"g\",\"family\":\"graph_color\",\"prompt\":\"p\","
            + "\"verifier\":{\"vertices\":3,\"colors\":2,\"edges\":[[0,1],[1,7]]}}",
        "data.jsonl:1: field verifier.edges[1][1]: vertex 7 outside 0..2");
  }

  @Test
  void arithmeticAnswerMustBeTheValueOfTheExpression() {
    assertError(
        "{\"id\":\"a\",\"family\":\"arithmetic\",\"prompt\":\"p\","
            + "\"verifier\":{\"expression\":\"1 + 2\",\"answer\":\"4\"}}",
        "data.jsonl:1: field verifier.answer: 4 is not the value of verifier.expression");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertError(
        "{\"id\":\"a\",\"id\":\"b\",\"family\":\"countdown\",\"prompt\":\"p\","
            + "\"verifier\":{\"numbers\":[1,2],\"target\":3}}",
        "data.jsonl:1: not valid JSON: Duplicate Object property \"id\"");
  }

  @Test
  void writesToAWriterOneLinePerProblem() throws IOException {
    List<Problem> problems = families.generate("stem_mcq", Map.of(), 2, 3);
    StringWriter w = new StringWriter();
    ProblemJsonl.write(problems, w);
    assertThat(w.toString().split("\n")).hasSize(3);
  }

  private void assertError(String text, String expected) {
    assertThatThrownBy(() -> jsonl.read(new StringReader(text), "data.jsonl"))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessageContaining(expected);
  }
}
