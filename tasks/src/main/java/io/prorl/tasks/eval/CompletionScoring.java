package io.prorl.tasks.eval;

import io.prorl.tasks.Json;
import io.prorl.tasks.JsonlLines;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Scores completions produced elsewhere (a serving engine, another trainer). Input: JSONL, each
 * line {@code {"problem": <problem record>, "completion": "<text>"}}, several lines per problem
 * allowed. Output: each input line plus its {@code reward} (value, correct, formatOk, reason), and
 * pass@k over problems (a problem's completions are its samples).
 */
public final class CompletionScoring {
  private final TaskFamilies families;
  private final ProblemJsonl problems;

  public CompletionScoring(TaskFamilies families) {
    this.families = families;
    this.problems = new ProblemJsonl(families);
  }

  /** What scoring a file found. */
  public record Summary(
      int lines,
      int problems,
      double meanReward,
      Map<Integer, Double> passAtK,
      Map<String, Map<Integer, Double>> perFamily) {}

  /**
   * @param source the input's name in error messages
   * @throws IllegalArgumentException naming {@code source:line} and the bad field
   */
  public Summary score(BufferedReader in, String source, List<Integer> ks, Writer out)
      throws IOException {
    return score(new JsonlLines(in, source), source, ks, out);
  }

  /** {@link #score(BufferedReader, String, List, Writer)} of UTF-8 bytes, checked line by line. */
  public Summary score(java.io.InputStream in, String source, List<Integer> ks, Writer out)
      throws IOException {
    return score(new JsonlLines(in, source), source, ks, out);
  }

  private Summary score(JsonlLines input, String source, List<Integer> ks, Writer out)
      throws IOException {
    PassAtKTable table = new PassAtKTable();
    double rewardSum = 0;
    int lines = 0;
    for (String line = input.next(); line != null; line = input.next()) {
      int lineNumber = input.lineNumber();
      if (line.isBlank()) {
        continue;
      }
      ObjectNode record = parse(line, source, lineNumber);
      JsonNode problemNode = record.get("problem");
      if (problemNode == null || !problemNode.isObject()) {
        throw new IllegalArgumentException(
            source + ":" + lineNumber + ": field problem: missing or not an object");
      }
      JsonNode completion = record.get("completion");
      if (completion == null || !completion.isString()) {
        throw new IllegalArgumentException(
            source + ":" + lineNumber + ": field completion: missing or not a string");
      }
      Problem p = problems.parseLine(problemNode.toString(), source + " (problem)", lineNumber);
      Reward r = families.score(p, completion.asString());
      ObjectNode reward = record.putObject("reward");
      reward.put("value", r.value());
      reward.put("correct", r.correct());
      reward.put("formatOk", r.formatOk());
      reward.put("reason", r.reason());
      out.write(record.toString());
      out.write('\n');
      table.add(p.id(), p.family(), r.correct());
      rewardSum += r.value();
      lines++;
    }
    if (lines == 0) {
      throw new IllegalArgumentException(source + ": no completions to score");
    }
    return new Summary(
        lines, table.problems(), rewardSum / lines, table.overall(ks), table.perFamily(ks));
  }

  private static ObjectNode parse(String line, String source, int lineNumber) {
    try {
      JsonNode node = Json.MAPPER.readTree(line);
      if (!(node instanceof ObjectNode o)) {
        throw new IllegalArgumentException(source + ":" + lineNumber + ": not a JSON object");
      }
      return o;
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          source + ":" + lineNumber + ": invalid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
