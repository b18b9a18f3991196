package io.prorl.tasks.countdown;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the countdown verifier needs.
 *
 * @param numbers the numbers available, each usable at most once
 * @param target the value to reach
 */
public record CountdownSpec(List<Integer> numbers, int target) {

  public CountdownSpec {
    numbers = List.copyOf(numbers);
  }

  public static CountdownSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    List<Integer> numbers =
        Fields.intList(Fields.require(v, "numbers", "verifier"), "verifier.numbers");
    if (numbers.size() < 2) {
      throw new InvalidProblemException("verifier.numbers: at least 2 numbers are needed");
    }
    for (int i = 0; i < numbers.size(); i++) {
      if (numbers.get(i) <= 0) {
        throw new InvalidProblemException(
            "verifier.numbers[" + i + "]: must be positive, got " + numbers.get(i));
      }
    }
    return new CountdownSpec(numbers, Fields.requireInt(v, "target", "verifier"));
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("numbers", numbers);
    m.put("target", target);
    return m;
  }
}
