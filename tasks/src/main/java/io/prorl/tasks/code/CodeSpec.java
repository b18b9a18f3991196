package io.prorl.tasks.code;

import io.prorl.tasks.Fields;
import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the code verifier needs: the kind of program and its hidden tests.
 *
 * @param kind what the program computes
 * @param tests stdin and the expected stdout of each hidden test
 */
public record CodeSpec(CodeKind kind, List<Test> tests) {

  /** One hidden test. */
  public record Test(String input, String output) {}

  public CodeSpec {
    tests = List.copyOf(tests);
  }

  public static CodeSpec of(Problem problem) {
    Map<String, Object> v = problem.verifier();
    CodeKind kind = CodeKind.of(Fields.requireString(v, "kind", "verifier"), "verifier.kind");
    List<?> raw = Fields.requireList(v, "tests", "verifier");
    if (raw.isEmpty()) {
      throw new InvalidProblemException("verifier.tests: at least one test is needed");
    }
    List<Test> tests = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String path = "verifier.tests[" + i + "]";
      Map<String, Object> t = Fields.object(raw.get(i), path);
      tests.add(
          new Test(
              Fields.requireString(t, "input", path), Fields.requireString(t, "output", path)));
    }
    return new CodeSpec(kind, tests);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind.knob());
    List<Map<String, Object>> t = new ArrayList<>();
    for (Test test : tests) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("input", test.input());
      one.put("output", test.output());
      t.add(one);
    }
    m.put("tests", t);
    return m;
  }
}
