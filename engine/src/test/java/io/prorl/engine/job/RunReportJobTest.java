package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.checkpoint.FileCheckpointStore;
import io.prorl.engine.report.ResetMarker;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.Validation;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report draws what the run's files hold: its boundary history and every phase's steps. */
class RunReportJobTest {
  @TempDir Path tmp;

  @Test
  void drawsTheBoundaryAndTheTrainingCurvesOfEveryPhaseWithTheResetsBetweenThem() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    // two phases of 3 and 2 steps, as PhaseMetricsLog writes them
    for (int phase = 1; phase <= 2; phase++) {
      PhaseMetricsLog log = new PhaseMetricsLog(store, "r", tmp.resolve("m" + phase + ".jsonl"));
      log.onPhaseStart(phase, "base");
      for (int step = 1; step <= 4 - phase; step++) {
        log.onStep(metrics(step, 0.2 * step));
        if (step == 2) {
          log.onValidation(step, new Validation(0.1 * phase, Map.of("graph_color", 0.1)));
        }
      }
      log.flush();
    }
    List<BoundaryHistory.Entry> entries = new ArrayList<>();
    for (String label : List.of("base", "phase-0001")) {
      int phase = label.equals("base") ? 0 : 1;
      for (String set : List.of("graph_color", "boxnet")) {
        entries.add(
            new BoundaryHistory.Entry(
                "file:///c/" + label,
                label,
                phase,
                phase == 0 ? 0 : 3,
                set,
                set.equals("boxnet"),
                Map.of(1, 0.1 + phase * 0.1, 2, 0.2 + phase * 0.1, 4, 0.3 + phase * 0.1),
                0.2,
                20,
                8,
                4,
                0.6,
                0.95,
                "2026-12-02T00:00:00Z"));
      }
    }
    new BoundaryHistory("r", entries).write(store);

    List<String> logged = new ArrayList<>();
    RunReportJob.Result r = RunReportJob.run(store, "r", tmp, logged::add);

    assertThat(r.phases()).isEqualTo(2);
    assertThat(r.steps()).isEqualTo(5);
    // phase 2's first step is the run's 4th: the reset sits there (no checkpoints: no reason)
    assertThat(r.resets()).containsExactly(new ResetMarker(4, ""));
    assertThat(r.boundary()).containsOnlyKeys("base", "phase-0001");
    assertThat(r.boundary().get("phase-0001").get("boxnet")).containsEntry(4, 0.4);
    BufferedImage boundary = ImageIO.read(r.boundaryPng().toFile());
    BufferedImage training = ImageIO.read(r.trainingPng().toFile());
    assertThat(boundary.getWidth()).isPositive();
    assertThat(training.getWidth()).isPositive();
    // beside the run's checkpoints too
    assertThat(store.exists("r/report/" + RunReportJob.BOUNDARY_PNG)).isTrue();
    assertThat(store.exists("r/report/" + RunReportJob.TRAINING_PNG)).isTrue();
    assertThat(logged).hasSize(2);
  }

  @Test
  void aRunWithoutEvaluationsOrStepsHasNoCharts() throws Exception {
    FileCheckpointStore store = new FileCheckpointStore(tmp.resolve("ckpt"));
    RunReportJob.Result r = RunReportJob.run(store, "empty", tmp, s -> {});
    assertThat(r.boundaryPng()).isNull();
    assertThat(r.trainingPng()).isNull();
    assertThat(r.phases()).isZero();
  }

  private static StepMetrics metrics(int step, double reward) {
    return new StepMetrics(
        step,
        reward,
        0.1,
        reward / 2,
        0.5,
        1,
        20,
        30,
        0,
        0.8,
        0.01,
        0.001,
        0.002,
        1,
        0.5,
        1e-4,
        0.1,
        100,
        100,
        2,
        0,
        0.02,
        0.1,
        0.1,
        0.1,
        0.3);
  }
}
