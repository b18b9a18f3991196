package io.prorl.tasks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * Reads and writes problem JSONL: one record per line, validated against {@link ProblemSchema} and
 * the family's own checks. A bad line fails with the source name, the line number and the field; so
 * does an id used twice. Blank lines are skipped; lines are read with {@link JsonlLines}'s guards
 * (length, UTF-8, byte-order mark).
 */
public final class ProblemJsonl {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final TaskFamilies families;

  public ProblemJsonl(TaskFamilies families) {
    this.families = families;
  }

  public List<Problem> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /** {@link #read(Reader, String)} of UTF-8 bytes, each line decoded strictly on its own. */
  public List<Problem> read(InputStream in, String source) throws IOException {
    return read(new JsonlLines(in, source), source);
  }

  /**
   * @param source the name used in error messages (a path or URI)
   * @throws InvalidProblemException {@code <source>:<line>: <what is wrong>}
   */
  public List<Problem> read(Reader reader, String source) throws IOException {
    return read(new JsonlLines(reader, source), source);
  }

  private List<Problem> read(JsonlLines lines, String source) throws IOException {
    List<Problem> out = new ArrayList<>();
    Map<String, Integer> firstLineOfId = new HashMap<>();
    for (String line = lines.next(); line != null; line = lines.next()) {
      if (line.isBlank()) {
        continue;
      }
      Problem p = parseLine(line, source, lines.lineNumber());
      Integer first = firstLineOfId.putIfAbsent(p.id(), lines.lineNumber());
      if (first != null) {
        throw new InvalidProblemException(
            source
                + ":"
                + lines.lineNumber()
                + ": field id: '"
                + p.id()
                + "' already used on line "
                + first);
      }
      out.add(p);
    }
    return out;
  }

  /** Parses and validates one line. */
  public Problem parseLine(String line, String source, int number) {
    String where = source + ":" + number + ": ";
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (JacksonException e) {
      throw new InvalidProblemException(where + "not valid JSON: " + e.getOriginalMessage(), e);
    }
    List<String> violations = ProblemSchema.violations(node);
    if (!violations.isEmpty()) {
      throw new InvalidProblemException(where + String.join("; ", violations));
    }
    Map<String, Object> m = Json.MAPPER.convertValue(node, MAP);
    JsonNode prompt = node.get("prompt");
    List<ChatMessage> messages = new ArrayList<>();
    if (prompt.isArray()) {
      prompt.forEach(t ->
          messages.add(new ChatMessage(t.get("role").asString(), t.get("content").asString())));
    }
    Problem problem =
        new Problem(
            (String) m.get("id"),
            (String) m.get("family"),
            m.get("difficulty") == null
                ? Map.of()
                : Fields.object(m.get("difficulty"), "difficulty"),
            prompt.isArray() ? ChatMessage.text(messages) : prompt.asString(),
            Fields.object(m.get("verifier"), "verifier"),
            (String) m.get("solution"),
            messages);
    try {
      families.get(problem.family()).validate(problem);
    } catch (InvalidProblemException e) {
      throw new InvalidProblemException(where + "field " + e.getMessage(), e);
    }
    return problem;
  }

  /**
   * One compact JSON line, fields in record order, no line break inside; a prompt written as chat
   * messages is written back as them.
   */
  public static String toLine(Problem p) {
    if (p.messages().isEmpty()) {
      return Json.MAPPER.writeValueAsString(p);
    }
    tools.jackson.databind.node.ObjectNode node = Json.MAPPER.valueToTree(p);
    node.set("prompt", Json.MAPPER.valueToTree(p.messages()));
    return Json.MAPPER.writeValueAsString(node);
  }

  public static void write(List<Problem> problems, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(problems, out);
    }
  }

  public static void write(List<Problem> problems, Writer out) throws IOException {
    for (Problem p : problems) {
      out.write(toLine(p));
      out.write('\n');
    }
  }
}
