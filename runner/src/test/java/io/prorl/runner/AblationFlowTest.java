package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.State;
import io.prorl.engine.job.AblationReportJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flows/prorl-ablation.yaml at quick size through Kestra's runtime: every arm runs as a subflow
 * (prorl-ablation-arm), two of them at the same time, and the report has a section and a verdict
 * for every claim and both figures. The verdicts themselves are not asserted: at this size they say
 * nothing.
 */
class AblationFlowTest {
  @TempDir Path tmp;

  @Test
  void everyArmRunsTwoAtOnceAndTheReportCoversEveryClaim() throws Exception {
    Path docs = tmp.resolve("docs");
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("seeds", List.of(1));
    inputs.put("problemsPerFamily", 60);
    inputs.put("warmStartSteps", 5);
    inputs.put("runSteps", 4);
    inputs.put("phaseSteps", 2);
    inputs.put("validateEvery", 1);
    inputs.put("patience", 1);
    inputs.put("groupSize", 4);
    inputs.put("promptsPerStep", 2);
    inputs.put("updatesPerStep", 2);
    inputs.put("maxNewTokens", 16);
    inputs.put("validationProblems", 2);
    inputs.put("evalProblems", 3);
    inputs.put("evalSamples", 4);
    inputs.put("checkpointRoot", tmp.resolve("ckpt").toUri().toString());
    inputs.put("runId", "abl");
    inputs.put("reportDir", docs.toString());
    try (FlowRunner runner = FlowRunner.start(tmp.resolve("storage"))) {
      FlowWithSource flow =
          runner.loadWithSubflows(FlowValidationTest.flows().resolve("prorl-ablation.yaml"));
      Execution e = runner.run(flow, inputs, Duration.ofMinutes(12));
      assertThat(e.getState().getCurrent())
          .as("%s", taskRuns(runner.executions(flow)))
          .isEqualTo(State.Type.SUCCESS);

      // every arm ran as a subflow execution, and two of them overlapped in time
      FlowWithSource arm =
          runner.load(FlowValidationTest.flows().resolve("prorl-ablation-arm.yaml"));
      List<Execution> arms = runner.executions(arm);
      assertThat(arms).hasSize(AblationReportJob.ARMS.size());
      assertThat(arms).allMatch(x -> x.getState().getCurrent() == State.Type.SUCCESS);
      List<Instant[]> spans = new ArrayList<>();
      for (Execution x : arms) {
        spans.add(
            new Instant[] {x.getState().getStartDate(), x.getState().getEndDate().orElseThrow()});
      }
      assertThat(TaskSpans.anyOverlap(spans)).as("two arms ran at the same time").isTrue();

      String report = Files.readString(docs.resolve(AblationReportJob.MARKDOWN));
      for (String section :
          List.of(
              "## 1. pass@1 rises",
              "## 2. the boundary",
              "## 3. resets beat",
              "## 4. clip-higher",
              "## 5. out-of-distribution",
              "## Prolonged vs short",
              "## What each arm did")) {
        assertThat(report).contains(section);
      }
      assertThat(report).contains("| noKl |").contains("| symmetric |");
      assertThat(report.split("\\*\\*Verdict \\(", -1)).hasSize(7); // 6 verdicts
      assertThat(docs.resolve(AblationReportJob.BOUNDARY_PNG)).isNotEmptyFile();
      assertThat(docs.resolve(AblationReportJob.CURVES_PNG)).isNotEmptyFile();
    }
  }

  /** Every task run of the executions with its state, for a failure's message. */
  private static String taskRuns(List<Execution> executions) {
    StringBuilder b = new StringBuilder();
    for (Execution x : executions) {
      b.append("\nexecution ").append(x.getId()).append(' ').append(x.getState().getCurrent());
      x.getTaskRunList()
          .forEach(t ->
              b.append("\n  ")
                  .append(t.getTaskId())
                  .append(t.getValue() == null ? "" : "[" + t.getValue() + "]")
                  .append(' ')
                  .append(t.getState().getCurrent()));
    }
    return b.toString();
  }
}
