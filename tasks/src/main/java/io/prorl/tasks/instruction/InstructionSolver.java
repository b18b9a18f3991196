package io.prorl.tasks.instruction;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Solution;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Composes a text that meets every constraint: a sentence naming the keywords, short filler
 * sentences from the topic's words (never the forbidden one) until the word count is reached, laid
 * out as bullets, with a title and a closing phrase, or wrapped in JSON, as asked. Checks its own
 * text with the verifier's constraints before returning it.
 */
final class InstructionSolver {
  private static final List<String> GENERIC =
      List.of("care", "time", "people", "ideas", "detail", "practice", "patience", "places");

  Solution solve(Problem problem) {
    InstructionSpec spec = InstructionSpec.of(problem);
    Constraint.ForbiddenWord forbidden = spec.find(Constraint.ForbiddenWord.class);
    Constraint.Keywords keywords = spec.find(Constraint.Keywords.class);
    Constraint.WordCount count = spec.find(Constraint.WordCount.class);
    Constraint.BulletPoints bullets = spec.find(Constraint.BulletPoints.class);

    List<String> pool = new ArrayList<>();
    Topics.ALL.stream()
        .filter(t -> t.name().equals(spec.topic()))
        .findFirst()
        .ifPresent(t -> pool.addAll(t.words()));
    pool.addAll(GENERIC);
    if (forbidden != null) {
      pool.removeIf(w -> w.equalsIgnoreCase(forbidden.word()));
    }

    List<String> sentences = new ArrayList<>();
    sentences.add(
        keywords == null
            ? "here are notes on " + spec.topic() + "."
            : "it is about " + String.join(" and ", keywords.words()) + ".");
    int minWords = count == null ? 12 : count.min();
    int minSentences = bullets == null ? 1 : bullets.count();
    String text = compose(spec, sentences);
    for (int i = 0; sentences.size() < minSentences || words(text) < minWords; i++) {
      sentences.add(
          pool.get(i % pool.size()) + " and " + pool.get((i + 3) % pool.size()) + " matter.");
      text = compose(spec, sentences);
    }
    List<String> unmet = new ArrayList<>();
    ResponseText response = ResponseText.of(text);
    for (Constraint c : spec.constraints()) {
      if (!c.isMet(response)) {
        unmet.add(c.type());
      }
    }
    if (!unmet.isEmpty()) {
      throw new InvalidProblemException(
          "instruction problem " + problem.id() + ": constraints cannot be met together: " + unmet);
    }
    String work =
        "I write about "
            + spec.topic()
            + " and check each instruction in turn: "
            + String.join(", ", spec.constraints().stream().map(Constraint::type).toList())
            + ". The text has "
            + words(text)
            + " words.\n<answer>"
            + text
            + "</answer>";
    return new Solution(text, work);
  }

  private static String compose(InstructionSpec spec, List<String> sentences) {
    boolean lowercase = spec.find(Constraint.Lowercase.class) != null;
    List<String> written = sentences.stream().map(s -> lowercase ? s : capitalize(s)).toList();
    Constraint.BulletPoints bullets = spec.find(Constraint.BulletPoints.class);
    String body;
    if (bullets != null) {
      List<StringBuilder> items = new ArrayList<>();
      for (int i = 0; i < written.size(); i++) {
        if (i < bullets.count()) {
          items.add(new StringBuilder("* ").append(written.get(i)));
        } else {
          items.get(i % bullets.count()).append(' ').append(written.get(i));
        }
      }
      body = String.join("\n", items);
    } else {
      body = String.join(" ", written);
    }
    if (spec.find(Constraint.Title.class) != null) {
      String title = lowercase ? spec.topic() : capitalize(spec.topic());
      body = "<<" + title + ">>\n" + body;
    }
    Constraint.EndsWith ending = spec.find(Constraint.EndsWith.class);
    if (ending != null) {
      body = body + "\n" + ending.phrase();
    }
    if (spec.find(Constraint.JsonFormat.class) != null) {
      body = Json.MAPPER.writeValueAsString(Map.of("response", body));
    }
    return body;
  }

  private static int words(String text) {
    return ResponseText.countWords(text);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
