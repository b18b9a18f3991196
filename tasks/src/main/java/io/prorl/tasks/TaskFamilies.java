package io.prorl.tasks;

import io.prorl.tasks.arithmetic.ArithmeticFamily;
import io.prorl.tasks.boxnet.BoxNetFamily;
import io.prorl.tasks.code.CodeFamily;
import io.prorl.tasks.countdown.CountdownFamily;
import io.prorl.tasks.graphcolor.GraphColorFamily;
import io.prorl.tasks.instruction.InstructionFamily;
import io.prorl.tasks.stemmcq.StemMcqFamily;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The task families by name. */
public final class TaskFamilies {
  private final Map<String, TaskFamily> byName = new LinkedHashMap<>();

  public TaskFamilies(Collection<? extends TaskFamily> families) {
    for (TaskFamily f : families) {
      if (byName.put(f.name(), f) != null) {
        throw new IllegalArgumentException("two task families named " + f.name());
      }
    }
  }

  /** The six built-in families. */
  public static TaskFamilies builtIn() {
    return new TaskFamilies(
        List.of(
            new ArithmeticFamily(),
            new CountdownFamily(),
            new GraphColorFamily(),
            new BoxNetFamily(),
            new InstructionFamily(),
            new StemMcqFamily(),
            new CodeFamily()));
  }

  /**
   * @throws InvalidProblemException naming the unknown family and the known ones
   */
  public TaskFamily get(String name) {
    TaskFamily f = byName.get(name);
    if (f == null) {
      throw new InvalidProblemException(
          "unknown task family '" + name + "'; known families: " + String.join(", ", names()));
    }
    return f;
  }

  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }

  public List<TaskFamily> all() {
    return new ArrayList<>(byName.values());
  }

  /** Scores a completion with the verifier of the problem's family. */
  public Reward score(Problem problem, String completion) {
    return get(problem.family()).score(problem, completion);
  }

  /**
   * Generates {@code count} problems of one family, indices {@code 0..count-1}, each with its
   * reference solution attached.
   */
  public List<Problem> generate(String family, Map<String, ?> difficulty, long seed, int count) {
    TaskFamily f = get(family);
    List<Problem> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Problem p = f.generate(difficulty, seed, i);
      out.add(p.withSolution(f.solve(p).completion()));
    }
    return out;
  }
}
