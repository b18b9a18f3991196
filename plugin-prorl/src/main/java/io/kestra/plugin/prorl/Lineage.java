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

  /** The run id used when none is given: the execution id, so a retry finds its checkpoints. */
  static String defaultRunId(RunContext runContext) throws Exception {
    return runContext.render("{{ execution.id }}");
  }
}
