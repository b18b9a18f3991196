package io.prorl.tasks.instruction;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One checkable instruction of an IFEval-style prompt. */
sealed interface Constraint {

  /** The name written in the problem record's {@code type} field. */
  String type();

  /** The instruction as shown in the prompt. */
  String instruction();

  boolean isMet(ResponseText response);

  /** The record's fields, {@code type} first. */
  Map<String, Object> toMap();

  static Constraint of(Map<String, Object> m, String path) {
    String type = Fields.requireString(m, "type", path);
    return switch (type) {
      case "word_count" ->
          new WordCount(Fields.requireInt(m, "min", path), Fields.requireInt(m, "max", path));
      case "keywords" ->
          new Keywords(Fields.stringList(Fields.require(m, "words", path), path + ".words"));
      case "forbidden_word" -> new ForbiddenWord(Fields.requireString(m, "word", path));
      case "no_commas" -> new NoCommas();
      case "lowercase" -> new Lowercase();
      case "bullet_points" -> new BulletPoints(Fields.requireInt(m, "count", path));
      case "json" -> new JsonFormat();
      case "ends_with" -> new EndsWith(Fields.requireString(m, "phrase", path));
      case "title" -> new Title();
      default ->
          throw new InvalidProblemException(
              path
                  + ".type: unknown constraint '"
                  + type
                  + "'; known: word_count, keywords, forbidden_word, no_commas, lowercase,"
                  + " bullet_points, json, ends_with, title");
    };
  }

  private static Map<String, Object> map(String type, Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  record WordCount(int min, int max) implements Constraint {
    public WordCount {
      if (min < 0 || max < min) {
        throw new InvalidProblemException(
            "word_count: need 0 <= min <= max, got " + min + ", " + max);
      }
    }

    @Override
    public String type() {
      return "word_count";
    }

    @Override
    public String instruction() {
      return "Use between " + min + " and " + max + " words.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      return r.words().size() >= min && r.words().size() <= max;
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type(), "min", min, "max", max);
    }
  }

  record Keywords(List<String> words) implements Constraint {
    public Keywords {
      words = List.copyOf(words);
    }

    @Override
    public String type() {
      return "keywords";
    }

    @Override
    public String instruction() {
      return "Include the words "
          + String.join(" and ", words.stream().map(w -> "'" + w + "'").toList())
          + ".";
    }

    @Override
    public boolean isMet(ResponseText r) {
      for (String w : words) {
        if (!r.words().contains(w.toLowerCase(Locale.ROOT))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type(), "words", words);
    }
  }

  record ForbiddenWord(String word) implements Constraint {
    @Override
    public String type() {
      return "forbidden_word";
    }

    @Override
    public String instruction() {
      return "Do not use the word '" + word + "'.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      return !r.words().contains(word.toLowerCase(Locale.ROOT));
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type(), "word", word);
    }
  }

  record NoCommas() implements Constraint {
    @Override
    public String type() {
      return "no_commas";
    }

    @Override
    public String instruction() {
      return "Do not use any commas.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      return r.text().indexOf(',') < 0 && r.text().indexOf('\uFF0C') < 0;
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type());
    }
  }

  record Lowercase() implements Constraint {
    @Override
    public String type() {
      return "lowercase";
    }

    @Override
    public String instruction() {
      return "Write everything in lowercase letters; no capital letters at all.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      return r.text().chars().anyMatch(Character::isLetter)
          && r.text().equals(r.text().toLowerCase(Locale.ROOT));
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type());
    }
  }

  record BulletPoints(int count) implements Constraint {
    @Override
    public String type() {
      return "bullet_points";
    }

    @Override
    public String instruction() {
      return "Use exactly " + count + " bullet points, each a line starting with '* '.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      long bullets =
          r.lines().stream()
              .map(String::stripLeading)
              .filter(l -> l.startsWith("* ") || l.startsWith("- "))
              .count();
      return bullets == count;
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type(), "count", count);
    }
  }

  record JsonFormat() implements Constraint {
    @Override
    public String type() {
      return "json";
    }

    @Override
    public String instruction() {
      return "Wrap the whole text in JSON: the answer must be one valid JSON value.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      String t = r.text().strip();
      if (t.startsWith("```")) {
        t = t.replaceFirst("^```(?:json)?", "").replaceFirst("```$", "").strip();
      }
      return Json.parseAnswer(t).node() != null;
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type());
    }
  }

  record EndsWith(String phrase) implements Constraint {
    @Override
    public String type() {
      return "ends_with";
    }

    @Override
    public String instruction() {
      return "End the text with the exact phrase \"" + phrase + "\" and nothing after it.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      return r.text().strip().endsWith(phrase);
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type(), "phrase", phrase);
    }
  }

  record Title() implements Constraint {
    @Override
    public String type() {
      return "title";
    }

    @Override
    public String instruction() {
      return "Give the text a title wrapped in double angular brackets, such as <<my title>>.";
    }

    @Override
    public boolean isMet(ResponseText r) {
      int open = r.text().indexOf("<<");
      int close = open < 0 ? -1 : r.text().indexOf(">>", open + 2);
      if (close < 0) {
        return false;
      }
      String title = r.text().substring(open + 2, close);
      return !title.isBlank() && title.indexOf('\n') < 0;
    }

    @Override
    public Map<String, Object> toMap() {
      return map(type());
    }
  }
}
