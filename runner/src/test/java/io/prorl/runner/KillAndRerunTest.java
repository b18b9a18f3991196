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
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 of `prorl run flows/prorl-train.yaml` at a moment of the run, then the same command
 * again: the run continues from its newest complete checkpoints (a complete base is not trained
 * again, an unfinished phase resumes; a dead trainer's lease is taken over once stale, 2 minutes)
 * and ends in SUCCESS with the same checkpoints and the same reasoning boundary as a run never
 * interrupted. The run id is an input, which is what makes the second execution continue the first
 * one's run.
 *
 * <p>CI kills in the middle of phase 1; {@code ./prorl kill-test} ({@code -Dprorl.killPoints=all})
 * tries every kill point: during dataset assembly, during the warm start, mid-phase, between
 * phases, during the final evaluation.
 */
class KillAndRerunTest {
  private static final String RUN = "kill-run";

  /** The two flows killed: the production train flow and the README's main job, at test size. */
  enum Flow {
    TRAIN,
    QUICKSTART
  }

  /** When to kill: a condition on the run's checkpoint root and the child's log. */
  record KillPoint(String name, Flow flow, java.util.function.BiPredicate<Path, String> reached) {
    KillPoint(String name, java.util.function.BiPredicate<Path, String> reached) {
      this(name, Flow.TRAIN, reached);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<KillPoint> ALL =
      List.of(
          new KillPoint("dataset assembly", (root, log) -> log.contains(" dataset - ")),
          new KillPoint("warm start", (root, log) -> log.contains("warm start step 2/4")),
          new KillPoint(
              "mid-phase",
              (root, log) ->
                  Files.exists(root.resolve(RUN + "/phase-0001/step-000001/MANIFEST.json"))),
          new KillPoint(
              "between phases",
              (root, log) ->
                  Files.exists(root.resolve(RUN + "/phase-0001/step-000002/MANIFEST.json"))),
          new KillPoint("final evaluation", (root, log) -> log.contains(" evaluate - ")),
          new KillPoint(
              "quickstart between phases",
              Flow.QUICKSTART,
              (root, log) ->
                  Files.exists(root.resolve(RUN + "/phase-0001/step-000002/MANIFEST.json"))));

  static List<KillPoint> killPoints() {
    String wanted = System.getProperty("prorl.killPoints", "mid-phase");
    return wanted.equals("all")
        ? ALL
        : ALL.stream().filter(k -> List.of(wanted.split(",")).contains(k.name())).toList();
  }

  @TempDir static Path shared;
  private static final Map<Flow, JsonNode> STRAIGHT = new java.util.EnumMap<>(Flow.class);
  private static final Map<Flow, List<String>> STRAIGHT_CHECKPOINTS =
      new java.util.EnumMap<>(Flow.class);

  @TempDir Path tmp;

  private static List<String> args(Flow flow, Path root, Path out) {
    if (flow == Flow.QUICKSTART) {
      return List.of(
          "run",
          FlowValidationTest.flows().resolve("prorl-quickstart.yaml").toString(),
          "--input",
          "problemsPerFamily=60",
          "--input",
          "warmStartSteps=5",
          "--input",
          "runSteps=4",
          "--input",
          "maxStepsPerPhase=2",
          "--input",
          "validateEvery=1",
          "--input",
          "patience=5",
          "--input",
          "validationProblems=2",
          "--input",
          "evalProblems=3",
          "--input",
          "evalSamples=4",
          "--input",
          "runId=" + RUN,
          "--input",
          "checkpointRoot=" + root.toUri(),
          "--outputs",
          out.toString());
    }
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

  /** The run as it goes when nothing happens, once per flow. */
  private static synchronized JsonNode straight(Flow flow) throws Exception {
    if (!STRAIGHT.containsKey(flow)) {
      Path root = shared.resolve("straight-" + flow);
      Path out = shared.resolve("straight-" + flow + ".json");
      assertThat(RunCommand.execute(args(flow, root, out).toArray(String[]::new))).isZero();
      STRAIGHT.put(flow, Json.MAPPER.readTree(Files.readString(out)));
      STRAIGHT_CHECKPOINTS.put(flow, checkpoints(root));
    }
    return STRAIGHT.get(flow);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "killed during {0}")
  @org.junit.jupiter.params.provider.MethodSource("killPoints")
  void aKilledRunContinuesWhereItsCheckpointsEndAndEndsAsIfNeverKilled(KillPoint point)
      throws Exception {
    JsonNode straight = straight(point.flow());

    // the same run in a JVM of its own, killed with SIGKILL once the kill point is reached
    Path root = tmp.resolve("killed");
    Path log = tmp.resolve("killed.log");
    Process child =
        ChildRun.start(
            List.of(
                Path.of("target/classes").toAbsolutePath().toString(),
                Files.readString(Path.of(System.getProperty("prorl.runtimeClasspath"))).trim()),
            args(point.flow(), root, tmp.resolve("killed.json")),
            tmp.resolve("djl"),
            log,
            Map.of());
    try {
      boolean reached =
          Poll.until(
              Duration.ofMinutes(5),
              Duration.ofMillis(20),
              () -> point.reached().test(root, Files.exists(log) ? Files.readString(log) : ""));
      assertThat(reached).as("kill point %s; the child's log:\n%s", point, tail(log)).isTrue();
    } finally {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly(); // SIGKILL
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(child.isAlive()).isFalse();
    List<String> atKill = Files.exists(root) ? checkpoints(root) : List.of();
    System.out.println(
        "KillAndRerunTest: killed during " + point + " with these complete checkpoints: " + atKill);
    assertThat(Files.exists(tmp.resolve("killed.json")))
        .as("no outputs from a killed run")
        .isFalse();

    // the same command again
    Path rerunOut = tmp.resolve("rerun.json");
    LogCapture logs = LogCapture.capture();
    int exit = RunCommand.execute(args(point.flow(), root, rerunOut).toArray(String[]::new));
    logs.stop();
    JsonNode rerun = Json.MAPPER.readTree(Files.readString(rerunOut));
    assertThat(rerun.path("state").asString()).isEqualTo("SUCCESS");
    assertThat(exit).isZero();
    if (atKill.stream().anyMatch(c -> c.contains("phase-0000"))) {
      assertThat(logs.lines())
          .as("a complete base is reused, not trained again")
          .anySatisfy(
              l -> assertThat(l).contains("base policy of run " + RUN + " already complete"));
    }

    // the same checkpoints and the same boundary as the run never killed
    assertThat(checkpoints(root)).isEqualTo(STRAIGHT_CHECKPOINTS.get(point.flow()));
    JsonNode a = straight.path("outputs");
    JsonNode b = rerun.path("outputs");
    assertThat(b.path("report").path("boundary"))
        .isEqualTo(a.path("report").path("boundary"))
        .isNotEmpty();
    if (point.flow() == Flow.TRAIN) {
      assertThat(inRun(b.path("final").path("checkpoint").asString()))
          .isEqualTo(inRun(a.path("final").path("checkpoint").asString()))
          .isNotEmpty();
      assertThat(b.path("evaluate").path("passAtK")).isEqualTo(a.path("evaluate").path("passAtK"));
    }
  }

  /** A checkpoint URI from the run's folder on ({@code kill-run/phase-.../step-.../}). */
  private static String inRun(String uri) {
    int at = uri.indexOf("/" + RUN + "/");
    return at < 0 ? "" : uri.substring(at + 1);
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
