package io.prorl.engine.job;

import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.Checkpointer;
import io.prorl.engine.report.BoundaryChart;
import io.prorl.engine.report.BoundaryPoint;
import io.prorl.engine.report.ResetMarker;
import io.prorl.engine.report.StepPoint;
import io.prorl.engine.report.TrainingCurvesChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a run did, as pictures: the reasoning boundary (pass@k per set, one line per evaluated
 * checkpoint, from the run's boundary history) and the training curves of every phase with a line
 * at every reference reset (from the run's metrics files). Both PNGs are written to a local folder
 * and beside the run's checkpoints ({@code <run>/report/}).
 */
public final class RunReportJob {
  public static final String BOUNDARY_PNG = "boundary.png";
  public static final String TRAINING_PNG = "training-curves.png";

  /**
   * @param boundaryPng the boundary chart, or null when the run has no boundary history
   * @param trainingPng the training curves, or null when no phase logged a step
   * @param boundary label -> set -> k -> pass@k, in the history's order
   * @param phases phases with logged steps
   * @param steps steps over all phases
   * @param resets the reference resets, at the first global step of each new phase
   */
  public record Result(
      Path boundaryPng,
      Path trainingPng,
      Map<String, Map<String, Map<Integer, Double>>> boundary,
      int phases,
      int steps,
      List<ResetMarker> resets) {}

  private RunReportJob() {}

  public static Result run(CheckpointStore store, String runId, Path outDir, Consumer<String> log)
      throws IOException {
    BoundaryHistory history = BoundaryHistory.read(store, runId);
    Path boundaryPng = null;
    Map<String, Map<String, Map<Integer, Double>>> boundary = new LinkedHashMap<>();
    if (!history.entries().isEmpty()) {
      List<BoundaryPoint> points = new ArrayList<>();
      int samples = 0;
      double temperature = Double.NaN;
      for (BoundaryHistory.Entry e : history.entries()) {
        e.passAtK()
            .forEach((k, v) ->
                points.add(new BoundaryPoint(e.label(), e.set(), e.outOfDistribution(), k, v)));
        boundary.computeIfAbsent(e.label(), l -> new LinkedHashMap<>()).put(e.set(), e.passAtK());
        samples = Math.max(samples, e.samples());
        temperature = e.temperature();
      }
      String title =
          String.format(
              java.util.Locale.ROOT,
              "Reasoning boundary of run %s: pass@k per set, T=%.1f, n=%d",
              runId,
              temperature,
              samples);
      boundaryPng = new BoundaryChart().writePng(outDir.resolve(BOUNDARY_PNG), title, points);
      store.put(runId + "/report/" + BOUNDARY_PNG, boundaryPng);
      log.accept(
          "boundary chart: "
              + boundary.size()
              + " checkpoints x "
              + points.stream().map(BoundaryPoint::set).distinct().count()
              + " sets -> "
              + store.uri(runId + "/report/" + BOUNDARY_PNG));
    } else {
      log.accept("run " + runId + " has no boundary history yet: no boundary chart");
    }

    Curves curves = curves(store, runId);
    List<StepPoint> steps = curves.steps();
    List<ResetMarker> resets = curves.resets();
    int phases = curves.phases();
    Path trainingPng = null;
    if (!steps.isEmpty()) {
      String title =
          String.format(
              java.util.Locale.ROOT,
              "Training of run %s: %d steps in %d phases, %d reference resets",
              runId,
              steps.size(),
              phases,
              resets.size());
      trainingPng =
          new TrainingCurvesChart().writePng(outDir.resolve(TRAINING_PNG), title, steps, resets);
      store.put(runId + "/report/" + TRAINING_PNG, trainingPng);
      log.accept(
          "training curves: "
              + steps.size()
              + " steps, "
              + resets.size()
              + " resets -> "
              + store.uri(runId + "/report/" + TRAINING_PNG));
    } else {
      log.accept("run " + runId + " has no logged steps yet: no training curves");
    }
    return new Result(boundaryPng, trainingPng, boundary, phases, steps.size(), resets);
  }

  /**
   * A run's logged steps over all its phases, numbered globally from 1.
   *
   * @param resets the reference resets, at the first global step of each new phase
   * @param phases phases with logged steps
   */
  public record Curves(List<StepPoint> steps, List<ResetMarker> resets, int phases) {}

  /** The steps every phase of {@code runId} logged, with a reset marker between phases. */
  public static Curves curves(CheckpointStore store, String runId) throws IOException {
    List<StepPoint> steps = new ArrayList<>();
    List<ResetMarker> resets = new ArrayList<>();
    Checkpointer reader = new Checkpointer(store, null, null, null, Map.of());
    int phases = 0;
    int offset = 0;
    for (int phase = 1; ; phase++) {
      List<PhaseMetricsLog.Entry> entries = PhaseMetricsLog.read(store, runId, phase);
      if (entries.isEmpty()) {
        break;
      }
      phases++;
      if (phase > 1) {
        resets.add(new ResetMarker(offset + 1, stopReason(reader, runId, phase - 1).orElse("")));
      }
      int last = 0;
      for (PhaseMetricsLog.Entry e : entries) {
        StepPoint p = StepPoint.of(offset + e.step(), phase, e.metrics());
        steps.add(e.validation() == null ? p : p.withValidation(e.validation().blend()));
        last = e.step();
      }
      offset += last;
    }
    return new Curves(steps, resets, phases);
  }

  /** Why a phase ended (the reason for the reset after it), from its newest checkpoint. */
  private static Optional<String> stopReason(Checkpointer reader, String runId, int phase)
      throws IOException {
    Optional<CheckpointId> id = reader.latestComplete(runId, phase);
    return id.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(reader.state(id.get()).stopReason());
  }
}
