package io.prorl.tasks;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One turn of a chat prompt, as chat templates read it ({@code {"role": ..., "content": ...}}).
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the turn's text
 */
public record ChatMessage(String role, String content) {
  public static final Set<String> ROLES = Set.of("system", "user", "assistant");

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("role must be one of " + ROLES + ", got '" + role + "'");
    }
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  /**
   * The text of a conversation, the turns' contents separated by blank lines: what dedupe and
   * decontamination compare, and a problem's {@code prompt()} when it is written as messages.
   */
  public static String text(List<ChatMessage> messages) {
    return messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n\n"));
  }
}
