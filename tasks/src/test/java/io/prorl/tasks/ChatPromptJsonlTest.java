package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A problem's prompt as chat messages: read, validated, written back as messages. */
class ChatPromptJsonlTest {
  private final ProblemJsonl jsonl = new ProblemJsonl(TaskFamilies.builtIn());

  private static final String LINE =
      "{\"id\":\"a1\",\"family\":\"arithmetic\",\"difficulty\":{},\"prompt\":[{\"role\":\"system\",\"content\":\"Think"
          + " first.\"},{\"role\":\"user\",\"content\":\"Compute 2 + 3.\"}],"
          + "\"verifier\":{\"expression\":\"2 + 3\",\"answer\":\"5\"}}";

  @Test
  void messagesAreReadKeptAndWrittenBackAsMessages() throws Exception {
    Problem p = jsonl.read(new StringReader(LINE + "\n"), "mem").get(0);
    assertThat(p.messages())
        .containsExactly(
            new ChatMessage("system", "Think first."), ChatMessage.user("Compute 2 + 3."));
    assertThat(p.prompt()).isEqualTo("Think first.\n\nCompute 2 + 3.");
    assertThat(p.conversation()).isEqualTo(p.messages());
    assertThat(ProblemJsonl.toLine(p)).isEqualTo(LINE);
    Problem again = jsonl.read(new StringReader(ProblemJsonl.toLine(p)), "mem").get(0);
    assertThat(again).isEqualTo(p);
  }

  @Test
  void aTextPromptIsOneUserTurnAndWritesAsBefore() throws Exception {
    String line =
        "{\"id\":\"a1\",\"family\":\"arithmetic\",\"difficulty\":{},\"prompt\":\"Compute 2 + 3.\","
            + "\"verifier\":{\"expression\":\"2 + 3\",\"answer\":\"5\"}}";
    Problem p = jsonl.read(new StringReader(line), "mem").get(0);
    assertThat(p.messages()).isEmpty();
    assertThat(p.conversation()).containsExactly(ChatMessage.user("Compute 2 + 3."));
    assertThat(ProblemJsonl.toLine(p)).isEqualTo(line);
  }

  @Test
  void badMessagesAreRefusedNamingLineAndField() {
    String noUser = LINE.replace("\"role\":\"user\"", "\"role\":\"assistant\"");
    assertThatThrownBy(() -> jsonl.read(new StringReader(noUser), "data.jsonl"))
        .isInstanceOf(InvalidProblemException.class)
        .hasMessageStartingWith("data.jsonl:1: ")
        .hasMessageContaining("field prompt");
    String badRole = LINE.replace("\"role\":\"system\"", "\"role\":\"narrator\"");
    assertThatThrownBy(() -> jsonl.read(new StringReader(badRole), "data.jsonl"))
        .hasMessageContaining("field prompt");
    String empty = LINE.replaceAll("\\[\\{.*\\}\\]", "[]");
    assertThatThrownBy(() -> jsonl.read(new StringReader(empty), "data.jsonl"))
        .hasMessageContaining("field prompt");
    assertThatThrownBy(() ->
            Problem.class
                .getMethod("withMessages", List.class)
                .invoke(
                    new Problem("x", "arithmetic", null, "p", java.util.Map.of(), null), List.of()))
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }
}
