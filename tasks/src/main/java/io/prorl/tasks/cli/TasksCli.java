package io.prorl.tasks.cli;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.ProblemJsonl;
import io.prorl.tasks.Reward;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of the task library.
 *
 * <pre>
 *   generate --family F --count N [--seed S] [--difficulty k=v[,k=v]...] --out FILE.jsonl
 *   check FILE.jsonl        validate every line and score each reference solution
 *   families                list the families and their difficulty knobs
 *   quickstart [--out DIR] [--count N] [--seed S]
 *                           generate a training set of every family and a held-out set of the
 *                           out-of-distribution ones, write them, read them back validated, and
 *                           score reference and mismatched answers
 * </pre>
 */
public final class TasksCli {
  private final TaskFamilies families = TaskFamilies.builtIn();
  private final PrintStream out;

  TasksCli(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    try {
      System.exit(new TasksCli(System.out).run(args));
    } catch (InvalidProblemException | IllegalArgumentException | IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  int run(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: generate|check|families ... (see TasksCli)");
    }
    Map<String, String> options = options(args);
    return switch (args[0]) {
      case "generate" -> generate(options);
      case "check" -> check(Path.of(positional(args)));
      case "families" -> listFamilies();
      case "quickstart" -> quickstart(options);
      default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
    };
  }

  private int generate(Map<String, String> o) throws IOException {
    String family = required(o, "family");
    int count = Integer.parseInt(required(o, "count"));
    long seed = Long.parseLong(o.getOrDefault("seed", "0"));
    Path file = Path.of(required(o, "out"));
    List<Problem> problems =
        families.generate(family, Knobs.parse(o.get("difficulty")), seed, count);
    ProblemJsonl.write(problems, file);
    out.printf("wrote %d %s problems to %s%n", problems.size(), family, file);
    return 0;
  }

  private int check(Path file) throws IOException {
    List<Problem> problems = new ProblemJsonl(families).read(file);
    Map<String, int[]> perFamily = new LinkedHashMap<>();
    int failures = 0;
    for (Problem p : problems) {
      int[] counts = perFamily.computeIfAbsent(p.family(), k -> new int[3]);
      counts[0]++;
      if (p.solution() == null) {
        continue;
      }
      counts[1]++;
      Reward r = families.score(p, p.solution());
      if (r.correct()) {
        counts[2]++;
      } else {
        failures++;
        out.printf("%s: reference solution scores %.2f: %s%n", p.id(), r.value(), r.reason());
      }
    }
    out.printf("%-12s %8s %10s %8s%n", "family", "problems", "solutions", "correct");
    perFamily.forEach((f, c) -> out.printf("%-12s %8d %10d %8d%n", f, c[0], c[1], c[2]));
    out.printf(
        "%s: %d valid lines, %d reference solutions wrong%n", file, problems.size(), failures);
    return failures == 0 ? 0 : 1;
  }

  private int quickstart(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.getOrDefault("out", "out/quickstart"));
    int count = Integer.parseInt(o.getOrDefault("count", "100"));
    long seed = Long.parseLong(o.getOrDefault("seed", "1"));
    List<Problem> train = new ArrayList<>();
    List<Problem> heldOut = new ArrayList<>();
    for (TaskFamily f : families.all()) {
      (f.heldOutByDefault() ? heldOut : train)
          .addAll(families.generate(f.name(), Map.of(), seed, count));
    }
    Path trainFile = dir.resolve("train.jsonl");
    Path heldOutFile = dir.resolve("heldout.jsonl");
    ProblemJsonl.write(train, trainFile);
    ProblemJsonl.write(heldOut, heldOutFile);
    out.printf("wrote %d training problems to %s%n", train.size(), trainFile);
    out.printf("wrote %d held-out problems to %s%n", heldOut.size(), heldOutFile);

    ProblemJsonl reader = new ProblemJsonl(families);
    List<Problem> all = new ArrayList<>(reader.read(trainFile));
    all.addAll(reader.read(heldOutFile));
    out.printf(
        "%-12s %9s %18s %26s%n",
        "family", "problems", "reference correct", "mismatched answer reward");
    int wrongReferences = 0;
    for (TaskFamily f : families.all()) {
      List<Problem> ps = all.stream().filter(p -> p.family().equals(f.name())).toList();
      int correct = 0;
      double mismatched = 0;
      for (int i = 0; i < ps.size(); i++) {
        correct += f.score(ps.get(i), ps.get(i).solution()).correct() ? 1 : 0;
        mismatched += f.score(ps.get(i), ps.get((i + 1) % ps.size()).solution()).value();
      }
      wrongReferences += ps.size() - correct;
      out.printf(
          "%-12s %9d %18s %26.3f%n",
          f.name(), ps.size(), correct + "/" + ps.size(), mismatched / ps.size());
    }
    out.println("(mismatched: each problem scored against the next problem's reference solution)");
    return wrongReferences == 0 ? 0 : 1;
  }

  private int listFamilies() {
    for (TaskFamily f : families.all()) {
      out.printf(
          "%-12s %s%s%n    knobs: %s%n",
          f.name(),
          f.description(),
          f.heldOutByDefault() ? " (held out of training by default)" : "",
          f.defaultDifficulty());
    }
    return 0;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        o.put(args[i].substring(2), args[++i]);
      }
    }
    return o;
  }

  private static String positional(String[] args) {
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        i++;
      } else {
        rest.add(args[i]);
      }
    }
    if (rest.size() != 1) {
      throw new IllegalArgumentException(args[0] + " takes one file");
    }
    return rest.get(0);
  }

  private static String required(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }
}
