package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * flows/prorl-scheduled-retrain.yaml fired by Kestra's own scheduler, not started by hand: the
 * shipped flow with its nightly cron replaced by one that fires every few seconds and test-size
 * inputs on the trigger. Two "nights" run one after the other (the flow queues at concurrency 1):
 * the first makes the run's base and adds its steps, the second continues from the first's newest
 * phase end and adds as many again.
 */
class ScheduledRetrainFlowTest {
  private static final String SHIPPED_CRON = "cron: \"0 2 * * *\"";
  private static final Duration DEADLINE = Duration.ofMinutes(8);

  @TempDir Path tmp;

  @Test
  void theScheduleFiresAndEachNightContinuesTheRun() throws Exception {
    Path checkpoints = tmp.resolve("ckpt");
    String shipped =
        Files.readString(FlowValidationTest.flows().resolve("prorl-scheduled-retrain.yaml"));
    assertThat(shipped).contains(SHIPPED_CRON);
    String everyFewSeconds =
        shipped.replace(
            SHIPPED_CRON,
            String.join(
                "\n    ",
                "cron: \"*/3 * * * * *\"",
                "withSeconds: true",
                "inputs:",
                "  checkpointRoot: " + checkpoints.toUri(),
                "  problemsPerFamily: 40",
                "  warmStartSteps: 5",
                "  stepsPerNight: 2",
                "  maxStepsPerPhase: 1",
                "  validationProblems: 2",
                "  evalProblems: 2",
                "  evalSamples: 2"));
    Path flowFile = tmp.resolve("prorl-scheduled-retrain.yaml");
    Files.writeString(flowFile, everyFewSeconds);

    try (FlowRunner runner = FlowRunner.start(tmp.resolve("storage"))) {
      FlowWithSource flow = runner.load(flowFile);
      List<Execution> nights = awaitSucceeded(runner, flow, 2);
      Execution first = nights.get(0);
      Execution second = nights.get(1);
      assertThat(first.getTrigger()).isNotNull();
      assertThat(first.getTrigger().getId()).isEqualTo("nightly");

      Map<String, Object> o1 = runner.outputs(first);
      Map<String, Object> o2 = runner.outputs(second);
      // night 1: the base is made, the run starts from it and does 2 RL steps
      assertThat(out(o1, "base").get("reused")).isEqualTo(false);
      assertThat(out(o1, "start").get("phase")).isEqualTo(0);
      assertThat(out(o1, "start").get("runSteps")).isEqualTo(0);
      assertThat(out(o1, "phase").get("runSteps")).isEqualTo(2);
      // night 2: the base is reused, the night starts at night 1's newest phase end
      assertThat(out(o2, "base").get("reused")).isEqualTo(true);
      assertThat(out(o2, "start").get("checkpoint")).isEqualTo(out(o1, "phase").get("checkpoint"));
      assertThat(out(o2, "start").get("runSteps")).isEqualTo(2);
      assertThat(out(o2, "phase").get("runSteps")).isEqualTo(4);
      assertThat((Integer) out(o2, "phase").get("phase"))
          .isGreaterThan((Integer) out(o1, "phase").get("phase"));
      assertThat(checkpoints.resolve("nightly/phase-0000/step-000000/MANIFEST.json")).exists();
      // the comparison of where the night started with where it ended
      @SuppressWarnings("unchecked")
      Map<String, Object> passAtK = (Map<String, Object>) out(o2, "evaluate").get("passAtK");
      assertThat(passAtK).containsOnlyKeys("previous", "retrained");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> out(Map<String, Object> outputs, String prefix) {
    // a task inside the LoopUntil is keyed per iteration: take the last one
    Object last = null;
    for (Map.Entry<String, Object> e : outputs.entrySet()) {
      if (e.getKey().equals(prefix) || e.getKey().startsWith(prefix + "[")) {
        last = e.getValue();
      }
    }
    assertThat(last).as("outputs of %s in %s", prefix, outputs.keySet()).isNotNull();
    return (Map<String, Object>) last;
  }

  /** The first {@code n} executions of {@code flow}, oldest first, once each has succeeded. */
  private static List<Execution> awaitSucceeded(FlowRunner runner, FlowWithSource flow, int n)
      throws Exception {
    List<List<Execution>> first = new java.util.ArrayList<>(List.of(List.of()));
    boolean done =
        io.prorl.engine.Poll.until(
            DEADLINE,
            Duration.ofMillis(500),
            () -> {
              List<Execution> all =
                  runner.executions(flow).stream()
                      .sorted(Comparator.comparing(e -> e.getState().getStartDate()))
                      .toList();
              first.set(0, all.subList(0, Math.min(n, all.size())));
              for (Execution e : first.get(0)) {
                assertThat(e.getState().getCurrent())
                    .as("execution %s", e.getId())
                    .isNotIn(State.Type.FAILED, State.Type.KILLED);
              }
              return first.get(0).size() == n
                  && first.get(0).stream()
                      .allMatch(e -> e.getState().getCurrent() == State.Type.SUCCESS);
            });
    if (!done) {
      throw new AssertionError(n + " scheduled executions did not succeed within " + DEADLINE);
    }
    return first.get(0);
  }
}
