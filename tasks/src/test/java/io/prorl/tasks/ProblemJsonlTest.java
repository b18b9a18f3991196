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
  void aByteOrderMarkAndWindowsLineEndsAreRead(@TempDir Path dir) throws IOException {
    List<Problem> ps = families.generate("countdown", Map.of(), 5, 2);
    Path file = dir.resolve("bom.jsonl");
    Files.writeString(
        file, "\uFEFF" + ProblemJsonl.toLine(ps.get(0)) + "\r\n" + ProblemJsonl.toLine(ps.get(1)));
    assertThat(jsonl.read(file)).containsExactlyElementsOf(ps);
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedNamingTheLine(@TempDir Path dir) throws IOException {
    Problem p = families.generate("countdown", Map.of(), 5, 1).get(0);
    Path file = dir.resolve("latin1.jsonl");
    byte[] good = (ProblemJsonl.toLine(p) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = "{\"id\":\"caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(file, concat(good, bad));
    assertThatThrownBy(() -> jsonl.read(file))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessage(file + ":2: not valid UTF-8");
  }

  @Test
  void aLineOverTheLimitIsRefusedBeforeItIsReadWhole() {
    String huge = "{\"id\":\"" + "x".repeat(JsonlLines.MAX_LINE_LENGTH) + "\"}";
    assertError(
        "\n" + huge,
        "data.jsonl:2: line longer than " + JsonlLines.MAX_LINE_LENGTH + " characters");
  }

  @Test
  void anIdUsedTwiceIsRefusedNamingBothLines() {
    List<Problem> ps = families.generate("countdown", Map.of(), 5, 2);
    Problem twin =
        new Problem(
            ps.get(0).id(),
            ps.get(1).family(),
            ps.get(1).difficulty(),
            ps.get(1).prompt(),
            ps.get(1).verifier(),
            null);
    assertError(
        ProblemJsonl.toLine(ps.get(0)) + "\n\n" + ProblemJsonl.toLine(twin),
        "data.jsonl:3: field id: '" + ps.get(0).id() + "' already used on line 1");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
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
