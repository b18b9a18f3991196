package io.prorl.runner;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.TaskRun;
import io.kestra.core.models.flows.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** When task runs ran, for tests that show work running at the same time. */
final class TaskSpans {
  private TaskSpans() {}

  /** [start of RUNNING, end] of every run of task {@code taskId} in the executions. */
  static List<Instant[]> of(List<Execution> executions, String taskId) {
    List<Instant[]> spans = new ArrayList<>();
    for (Execution x : executions) {
      for (TaskRun run : x.getTaskRunList()) {
        if (run.getTaskId().equals(taskId)) {
          spans.add(new Instant[] {started(run), run.getState().getEndDate().orElseThrow()});
        }
      }
    }
    return spans;
  }

  /** Whether two of the spans overlap in time. */
  static boolean anyOverlap(List<Instant[]> spans) {
    for (int i = 0; i < spans.size(); i++) {
      for (int j = i + 1; j < spans.size(); j++) {
        if (spans.get(i)[0].isBefore(spans.get(j)[1])
            && spans.get(j)[0].isBefore(spans.get(i)[1])) {
          return true;
        }
      }
    }
    return false;
  }

  private static Instant started(TaskRun run) {
    return run.getState().getHistories().stream()
        .filter(h -> h.getState() == State.Type.RUNNING)
        .findFirst()
        .orElseThrow()
        .getDate();
  }
}
