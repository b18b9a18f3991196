package io.prorl.tasks.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.AnswerExtractor;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.arithmetic.MathAnswer;
import io.prorl.tasks.expr.ExpressionException;
import io.prorl.tasks.expr.ExpressionParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based fuzzing (jqwik, fixed seed, a bounded number of tries) of the parsers that read
 * untrusted text: problem JSONL files, model completions (answer extraction, every family's
 * verifier), math answers and expressions. Each either succeeds or fails the documented way - never
 * another exception, never a hang - whatever it is given.
 */
class UntrustedInputFuzzTest {
  private static final TaskFamilies FAMILIES = TaskFamilies.builtIn();

  /** One generated problem per family that scores without running programs (not `code`). */
  private static final List<Problem> PROBLEMS =
      FAMILIES.names().stream()
          .filter(f -> !f.equals("code"))
          .map(f -> FAMILIES.generate(f, Map.of(), 7, 1).get(0))
          .toList();

  /** Text that looks like what models and files contain: tags, braces, digits, JSON, junk. */
  @Provide
  Arbitrary<String> completions() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(
                "<answer>",
                "</answer>",
                "<think>",
                "</think>",
                "\\boxed{",
                "}",
                "{",
                "\"0\": 1",
                ",",
                ":",
                "\\frac{",
                "/",
                " ",
                "\n",
                "-",
                ".",
                "%",
                "e9",
                "9999999999999999999999",
                "[",
                "]",
                "A",
                "(",
                ")",
                "*",
                "```python",
                "```",
                "\u0000",
                "\uFEFF",
                "\uD83D\uDE00"),
            Arbitraries.strings().ofMaxLength(6),
            Arbitraries.integers().between(-1000, 1000).map(String::valueOf));
    return pieces.list().ofMaxSize(40).map(l -> String.join("", l));
  }

  @Property(tries = 400, seed = "20261202")
  void everyVerifierReturnsARewardForAnyCompletion(
      @ForAll("completions") String completion, @ForAll @IntRange(min = 0, max = 20) int which) {
    Problem p = PROBLEMS.get(which % PROBLEMS.size());
    Reward r = FAMILIES.score(p, completion);
    assertThat(r.value()).isBetween(0.0, 1.0);
    assertThat(r.reason()).isNotNull();
  }

  @Property(tries = 400, seed = "20261202")
  void answerExtractionNeverThrows(@ForAll("completions") String completion) {
    assertThat(AnswerExtractor.extract(completion)).isNotNull();
    assertThat(AnswerExtractor.extractAscii(completion)).isNotNull();
  }

  @Property(tries = 400, seed = "20261202")
  void mathAnswersParseOrSayWhyNot(@ForAll("completions") String text) {
    try {
      assertThat(MathAnswer.parse(text)).isNotNull();
    } catch (NumberFormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 400, seed = "20261202")
  void expressionsParseOrNameThePosition(
      @ForAll("expressions") String text, @ForAll boolean unaryMinus) {
    try {
      assertThat(ExpressionParser.parse(text, unaryMinus)).isNotNull();
    } catch (ExpressionException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> expressions() {
    return Arbitraries.oneOf(
            Arbitraries.of("(", ")", "+", "-", "*", "/", " ", "1", "25", "999999999999", ".", "x"),
            Arbitraries.strings().ofMaxLength(3))
        .list()
        .ofMaxSize(80)
        .map(l -> String.join("", l));
  }

  @Property(tries = 50, seed = "20261202")
  void deeplyNestedExpressionsAreRefusedNotAStackOverflow(
      @ForAll @IntRange(min = 1, max = 999) int depth) {
    String text = "(".repeat(depth) + "1" + ")".repeat(depth);
    try {
      assertThat(ExpressionParser.parse(text, true)).isNotNull();
      assertThat(depth).isLessThanOrEqualTo(ExpressionParser.MAX_DEPTH);
    } catch (ExpressionException expected) {
      assertThat(depth).isGreaterThan(ExpressionParser.MAX_DEPTH - 1);
    }
  }

  @Property(tries = 300, seed = "20261202")
  void problemJsonlReadsOrNamesTheSourceAndLine(@ForAll("jsonlBytes") byte[] bytes) {
    ProblemJsonl reader = new ProblemJsonl(FAMILIES);
    try {
      List<Problem> read = reader.read(new ByteArrayInputStream(bytes), "fuzz.jsonl");
      assertThat(read).isNotNull();
    } catch (IOException | InvalidProblemException expected) {
      assertThat(expected.getMessage()).startsWith("fuzz.jsonl");
    }
  }

  /** Valid problem lines, mutated: bytes flipped, cut, duplicated, junk lines between. */
  @Provide
  Arbitrary<byte[]> jsonlBytes() {
    String valid = String.join("\n", PROBLEMS.stream().limit(3).map(ProblemJsonl::toLine).toList());
    byte[] base = valid.getBytes(StandardCharsets.UTF_8);
    var edits = Arbitraries.integers().between(0, base.length + 10).array(int[].class);
    return Arbitraries.integers()
        .between(0, 4)
        .flatMap(kind ->
            edits
                .ofMaxSize(8)
                .map(positions -> {
                  byte[] out = base.clone();
                  for (int pos : positions) {
                    if (pos < out.length) {
                      out[pos] = (byte) (kind == 0 ? 0xC3 : out[pos] ^ (1 << kind));
                    }
                  }
                  int cut = positions.length == 0 ? out.length : positions[0];
                  return kind == 4 ? java.util.Arrays.copyOf(out, Math.min(cut, out.length)) : out;
                }));
  }
}
