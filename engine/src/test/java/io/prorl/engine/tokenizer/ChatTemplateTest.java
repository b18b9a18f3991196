package io.prorl.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.ChatMessage;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {
  private static final Path TEMPLATES = Path.of("src/test/resources/chat-templates");

  /**
   * The embedded default's template renders exactly the ChatML turn the project hard-coded before
   * templates were read from tokenizer_config.json, so its tokenizer (trained on these renderings)
   * and the quickstart's numbers do not move.
   */
  @Test
  void theEmbeddedTemplateRendersTheChatMlUserTurnByteForByte() {
    ChatTemplate t = EmbeddedDefault.chatTemplate();
    assertThat(t.render(List.of(ChatMessage.user("Compute 2 + 3.")), true))
        .isEqualTo("<|im_start|>user\nCompute 2 + 3.<|im_end|>\n<|im_start|>assistant\n");
    TaskFamilies families = TaskFamilies.builtIn();
    for (String family : families.names()) {
      for (Problem p : families.generate(family, Map.of(), 7, 20)) {
        assertThat(t.render(p.conversation(), true))
            .isEqualTo("<|im_start|>user\n" + p.prompt() + "<|im_end|>\n<|im_start|>assistant\n");
      }
    }
    assertThat(
            t.render(
                List.of(new ChatMessage("system", "Be brief."), ChatMessage.user("Hi")), false))
        .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
  }

  @Test
  void deepSeekR1DistillPromptsOpenTheThinkBlockAndDropNoSystemTurn() throws IOException {
    ChatTemplate r1 =
        ChatTemplate.read(
            TEMPLATES.resolve("deepseek-r1-distill-qwen").resolve(ChatTemplate.CONFIG));
    Problem p =
        new Problem(
                "p", "arithmetic", Map.of(), "x", Map.of("expression", "1", "answer", "1"), null)
            .withMessages(
                List.of(
                    new ChatMessage("system", "Reason step by step."),
                    ChatMessage.user("Compute 1.")));
    assertThat(r1.render(p.conversation(), true))
        .isEqualTo(
            "<｜begin▁of▁sentence｜>Reason step by step.<｜User｜>Compute 1.<｜Assistant｜><think>\n");
  }

  @Test
  void aBrokenOrMissingTemplateIsRefusedNamingFileAndField(@TempDir Path dir) throws IOException {
    Path config = dir.resolve(ChatTemplate.CONFIG);
    Files.writeString(config, "{\"eos_token\": \"<|im_end|>\"}");
    assertThatThrownBy(() -> ChatTemplate.read(config))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(config.toString())
        .hasMessageContaining("field chat_template: missing");
    Files.writeString(config, "{\"chat_template\": \"{% for m in messages %}{{ m.content }}\"}");
    assertThatThrownBy(() -> ChatTemplate.read(config))
        .hasMessageContaining("field chat_template: line 1: '{% for %}' is never closed");
    Files.writeString(config, "{\"chat_template\": \"{% macro m() %}{% endmacro %}\"}");
    assertThatThrownBy(() -> ChatTemplate.read(config))
        .hasMessageContaining("unsupported construct '{% macro %}'");
    Files.writeString(config, "{\"chat_template\": \"x\", \"bos_token\": 3}");
    assertThatThrownBy(() -> ChatTemplate.read(config)).hasMessageContaining("field bos_token");
    Files.writeString(
        config,
        "{\"chat_template\": \"{% if messages[0].role != 'system' %}"
            + "{{ raise_exception('a system turn is required') }}{% endif %}\"}");
    ChatTemplate strict = ChatTemplate.read(config);
    assertThatThrownBy(() -> strict.render(List.of(ChatMessage.user("x")), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(config + " field chat_template")
        .hasMessageContaining("a system turn is required");
  }

  @Test
  void aTokenizerWithoutTokenizerConfigRendersNoPrompt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, EmbeddedDefault.tokenizerJson());
    try (Tokenizer t = Tokenizer.load(file)) {
      assertThatThrownBy(() -> t.encodePrompt(ChatMessage.user("hi")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.resolve(ChatTemplate.CONFIG) + " is missing");
    }
  }
}
