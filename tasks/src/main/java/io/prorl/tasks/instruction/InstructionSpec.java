package io.prorl.tasks.instruction;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the instruction-following verifier needs.
 *
 * @param topic what the text is about
 * @param constraints the checkable instructions
 */
public record InstructionSpec(String topic, List<Constraint> constraints) {

  public InstructionSpec {
    constraints = List.copyOf(constraints);
  }

  public static InstructionSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    String topic = Fields.requireString(v, "topic", "verifier");
    List<?> raw = Fields.requireList(v, "constraints", "verifier");
    if (raw.isEmpty()) {
      throw new InvalidProblemException("verifier.constraints: at least one constraint is needed");
    }
    List<Constraint> constraints = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String path = "verifier.constraints[" + i + "]";
      constraints.add(Constraint.of(Fields.object(raw.get(i), path), path));
    }
    return new InstructionSpec(topic, constraints);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", topic);
    m.put("constraints", constraints.stream().map(Constraint::toMap).toList());
    return m;
  }

  <T extends Constraint> T find(Class<T> type) {
    for (Constraint c : constraints) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
