package io.kestra.plugin.prorl;

import io.kestra.core.runners.RunContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kestra side of checkpoint lineage: namespace, flow, execution and task run. */
final class Lineage {
  private Lineage() {}

  static Map<String, String> of(RunContext runContext) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("kestra.namespace", runContext.flowInfo().namespace());
    out.put("kestra.flow", runContext.flowInfo().id());
    out.put("kestra.execution", runContext.render("{{ execution.id }}"));
    out.put("kestra.taskRun", runContext.render("{{ taskrun.id }}"));
    return out;
  }

  /**
   * The unit of work a TrainPhase is for, the same for each of its retries and for a rerun of the
   * same run: the run id, the task and the iteration of an enclosing Loop ({@code item.index}) or
   * LoopUntil ({@code taskrun.iteration}). Not the task run id: Kestra 2.0 can append a second task
   * run for a task that is being retried (kestra-io/kestra#18909), and that duplicate must find the
   * same phase. Not the execution id: after a kill, a new execution of the same run must find that
   * its first iteration's phase already ended (and return it, so its boundary is evaluated) rather
   * than start the next one.
   */
  static String taskKey(RunContext runContext, String runId) throws Exception {
    RunContext.TaskRunInfo t = runContext.taskRunInfo();
    StringBuilder key = new StringBuilder(runId).append('/').append(t.taskId());
    if (runContext.getVariables().get("item") instanceof Map<?, ?> item
        && item.get("index") != null) {
      key.append("/item-").append(item.get("index"));
    }
    if (t.value() != null) {
      key.append('/').append(t.value());
    }
    if (runContext.getVariables().get("taskrun") instanceof Map<?, ?> taskrun
        && taskrun.get("iteration") != null) {
      // a LoopUntil runs the same task once per iteration: each is its own unit of work
      key.append("/iteration-").append(taskrun.get("iteration"));
    }
    return key.toString();
  }

  /** The run id used when none is given: the execution id, so a retry finds its checkpoints. */
  static String defaultRunId(RunContext runContext) throws Exception {
    return runContext.render("{{ execution.id }}");
  }
}
