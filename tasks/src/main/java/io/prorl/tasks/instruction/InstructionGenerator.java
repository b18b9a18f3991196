package io.prorl.tasks.instruction;

import io.prorl.tasks.Knobs;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * IFEval-style prompts: a topic and {@code constraints} distinct, mutually compatible checkable
 * instructions (a JSON answer excludes bullets, a title and a closing phrase). Knob {@code
 * minWords} sets the lower end of the word-count range.
 */
final class InstructionGenerator {
  static final Map<String, Object> DEFAULTS = Collections.unmodifiableMap(defaults());
  private static final List<String> TYPES =
      List.of(
          "word_count",
          "keywords",
          "forbidden_word",
          "no_commas",
          "lowercase",
          "bullet_points",
          "json",
          "ends_with",
          "title");
  private static final List<String> CLOSINGS =
      List.of("that is all for now.", "thank you for reading.", "let me know what you think.");

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("constraints", 3);
    d.put("minWords", 15);
    return d;
  }

  Problem generate(Map<String, ?> overrides, long seed, int index) {
    Knobs knobs = Knobs.of(InstructionFamily.NAME, DEFAULTS, overrides);
    int count = knobs.intIn("constraints", 1, 6);
    int minWords = knobs.intIn("minWords", 10, 500);

    SplittableRandom rng = Seeds.forProblem(InstructionFamily.NAME, seed, index);
    Topics.Topic topic = Topics.ALL.get(rng.nextInt(Topics.ALL.size()));
    List<String> words = new ArrayList<>(topic.words());
    shuffle(words, rng);

    List<String> candidates = new ArrayList<>(TYPES);
    shuffle(candidates, rng);
    List<String> chosen = new ArrayList<>();
    for (String type : candidates) {
      if (chosen.size() < count && compatible(type, chosen)) {
        chosen.add(type);
      }
    }
    List<Constraint> constraints = new ArrayList<>();
    for (String type : TYPES) {
      if (!chosen.contains(type)) {
        continue;
      }
      constraints.add(
          switch (type) {
            case "word_count" -> {
              int min = minWords + rng.nextInt(0, 11);
              yield new Constraint.WordCount(min, min + rng.nextInt(15, 31));
            }
            case "keywords" -> new Constraint.Keywords(List.of(words.get(0), words.get(1)));
            case "forbidden_word" -> new Constraint.ForbiddenWord(words.get(words.size() - 1));
            case "no_commas" -> new Constraint.NoCommas();
            case "lowercase" -> new Constraint.Lowercase();
            case "bullet_points" -> new Constraint.BulletPoints(rng.nextInt(2, 6));
            case "json" -> new Constraint.JsonFormat();
            case "ends_with" -> new Constraint.EndsWith(CLOSINGS.get(rng.nextInt(CLOSINGS.size())));
            default -> new Constraint.Title();
          });
    }
    InstructionSpec spec = new InstructionSpec(topic.name(), constraints);
    return Problem.generated(
        InstructionFamily.NAME, seed, index, knobs, prompt(spec), spec.toMap());
  }

  static String prompt(InstructionSpec spec) {
    StringBuilder p = new StringBuilder("Write a short text about ").append(spec.topic());
    p.append(". Follow every instruction:\n");
    for (int i = 0; i < spec.constraints().size(); i++) {
      p.append(i + 1).append(". ").append(spec.constraints().get(i).instruction()).append('\n');
    }
    return p.append("Put the text inside <answer></answer>.").toString();
  }

  private static boolean compatible(String type, List<String> chosen) {
    List<String> layout = List.of("bullet_points", "ends_with", "title");
    if (type.equals("json")) {
      return chosen.stream().noneMatch(layout::contains);
    }
    return !(layout.contains(type) && chosen.contains("json"));
  }

  private static <T> void shuffle(List<T> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      list.set(i, list.set(j, list.get(i)));
    }
  }
}
