package io.prorl.tasks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One verifiable problem: a line of a problem JSONL file ({@code schemas/problem.schema.json}).
 *
 * @param id unique id, e.g. {@code countdown-s42-000017}
 * @param family the task family that generates and verifies it, e.g. {@code countdown}
 * @param difficulty the generator knobs that produced it (free-form per family)
 * @param prompt the text shown to the policy; for a prompt written as chat messages, their text
 *     ({@link ChatMessage#text}), which dedupe and decontamination compare
 * @param verifier what the family's verifier needs to score a completion
 * @param solution an optional worked reference solution ending in a formatted answer, or null
 * @param messages the prompt as chat messages (system, user, ...), or empty: then the prompt is one
 *     user turn of {@code prompt}. The model's chat template renders {@link #conversation()}.
 */
public record Problem(
    String id,
    String family,
    Map<String, Object> difficulty,
    String prompt,
    Map<String, Object> verifier,
    String solution,
    @JsonIgnore List<ChatMessage> messages) {

  public Problem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(prompt, "prompt");
    difficulty = difficulty == null ? Map.of() : difficulty;
    verifier = Objects.requireNonNull(verifier, "verifier");
    messages = messages == null ? List.of() : List.copyOf(messages);
    if (!messages.isEmpty() && !prompt.equals(ChatMessage.text(messages))) {
      throw new IllegalArgumentException(
          "problem " + id + ": prompt must be the text of its messages (use withMessages)");
    }
  }

  /** A problem whose prompt is one user turn of {@code prompt}. */
  public Problem(
      String id,
      String family,
      Map<String, Object> difficulty,
      String prompt,
      Map<String, Object> verifier,
      String solution) {
    this(id, family, difficulty, prompt, verifier, solution, List.of());
  }

  /** The same problem prompted with {@code chat} (its prompt text becomes theirs). */
  public Problem withMessages(List<ChatMessage> chat) {
    if (chat.isEmpty()) {
      throw new IllegalArgumentException("problem " + id + ": messages must not be empty");
    }
    return new Problem(id, family, difficulty, ChatMessage.text(chat), verifier, solution, chat);
  }

  /** The conversation the chat template renders: the messages, or one user turn of the prompt. */
  public List<ChatMessage> conversation() {
    return messages.isEmpty() ? List.of(ChatMessage.user(prompt)) : messages;
  }

  /** Problem {@code index} of a family's seeded stream: id from seed and index, knobs recorded. */
  public static Problem generated(
      String family,
      long seed,
      int index,
      Knobs knobs,
      String prompt,
      Map<String, Object> verifier) {
    return new Problem(
        Seeds.problemId(family, seed, index), family, knobs.asMap(), prompt, verifier, null);
  }

  /** The same problem with the given worked solution. */
  public Problem withSolution(String workedSolution) {
    return new Problem(id, family, difficulty, prompt, verifier, workedSolution, messages);
  }
}
