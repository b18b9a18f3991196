package io.prorl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.Poll;
import io.prorl.tasks.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 of `prorl run flows/prorl-train.yaml` in the middle of its first phase, then the same
 * command again: the run continues from its newest complete checkpoint (the base is not trained
 * again, the phase resumes; the dead trainer's lease is taken over once stale, 2 minutes) and ends
 * in SUCCESS with the same checkpoints and the same reasoning boundary as a run never interrupted.
 * The run id is an input, which is what makes the second execution continue the first one's run.
 */
class KillAndRerunTest {
  private static final String RUN = "kill-run";

  @TempDir Path tmp;

  private List<String> args(Path root, Path out) {
    return List.of(
        "run",
        FlowValidationTest.flows().resolve("prorl-train.yaml").toString(),
        "--input",
        "generatedProblems=120",
        "--input",
        "warmStartSteps=4",
        "--input",
        "runSteps=4",
        "--input",
        "maxStepsPerPhase=2",
        "--input",
        "evalProblems=2",
        "--input",
        "evalSamples=2",
        "--input",
        "checkpointEvery=1",
        "--input",
        "keepLast=1",
        "--input",
        "runId=" + RUN,
        "--input",
        "checkpointRoot=" + root.toUri(),
        "--outputs",
        out.toString());
  }

  @Test
  void aKilledRunContinuesWhereItsCheckpointsEndAndEndsAsIfNeverKilled() throws Exception {
    // the run as it goes when nothing happens
    Path straightOut = tmp.resolve("straight.json");
    assertThat(
            RunCommand.execute(args(tmp.resolve("straight"), straightOut).toArray(String[]::new)))
        .isZero();
    JsonNode straight = Json.MAPPER.readTree(Files.readString(straightOut));

    // the same run in a JVM of its own, killed with SIGKILL once phase 1 wrote a step checkpoint
    Path root = tmp.resolve("killed");
    Path firstStep = root.resolve(RUN + "/phase-0001/step-000001/MANIFEST.json");
    Process child =
        ChildRun.start(
            List.of(
                Path.of("target/classes").toAbsolutePath().toString(),
                Files.readString(Path.of(System.getProperty("prorl.runtimeClasspath"))).trim()),
            args(root, tmp.resolve("killed.json")),
            tmp.resolve("djl"),
            tmp.resolve("killed.log"),
            Map.of());
    try {
      boolean reached =
          Poll.until(Duration.ofMinutes(5), Duration.ofMillis(20), () -> Files.exists(firstStep));
      assertThat(reached)
          .as(
              "phase 1's first step checkpoint; the child's log:\n%s",
              tail(tmp.resolve("killed.log")))
          .isTrue();
    } finally {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly(); // SIGKILL
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(child.isAlive()).isFalse();
    List<String> atKill = checkpoints(root);
    System.out.println("KillAndRerunTest: killed with these complete checkpoints: " + atKill);
    assertThat(Files.exists(tmp.resolve("killed.json")))
        .as("no outputs from a killed run")
        .isFalse();

    // the same command again
    Path rerunOut = tmp.resolve("rerun.json");
    LogCapture logs = LogCapture.capture();
    int exit = RunCommand.execute(args(root, rerunOut).toArray(String[]::new));
    logs.stop();
    JsonNode rerun = Json.MAPPER.readTree(Files.readString(rerunOut));
    assertThat(rerun.path("state").asString()).isEqualTo("SUCCESS");
    assertThat(exit).isZero();
    assertThat(logs.lines())
        .as("the base is reused, not trained again")
        .anySatisfy(l -> assertThat(l).contains("base policy of run " + RUN + " already complete"));

    // the same checkpoints and the same boundary as the run never killed
    assertThat(checkpoints(root)).isEqualTo(checkpoints(tmp.resolve("straight")));
    JsonNode a = straight.path("outputs");
    JsonNode b = rerun.path("outputs");
    assertThat(b.path("final").path("checkpoint").asString())
        .isEqualTo(a.path("final").path("checkpoint").asString().replace("/straight/", "/killed/"));
    assertThat(b.path("report").path("boundary")).isEqualTo(a.path("report").path("boundary"));
    assertThat(b.path("evaluate").path("passAtK")).isEqualTo(a.path("evaluate").path("passAtK"));
  }

  /** The run's complete checkpoints, as paths relative to the root. */
  private static List<String> checkpoints(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().equals("MANIFEST.json"))
          .map(p -> root.relativize(p.getParent()).toString())
          .sorted()
          .toList();
    }
  }

  private static String tail(Path log) throws Exception {
    String text = Files.exists(log) ? Files.readString(log) : "";
    return text.substring(Math.max(0, text.length() - 4000));
  }
}
