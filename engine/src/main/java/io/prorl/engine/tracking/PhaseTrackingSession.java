package io.prorl.engine.tracking;

import io.prorl.engine.rl.PhaseResult;
import io.prorl.engine.rl.StepMetrics;
import io.prorl.engine.rl.TrainingListener;
import io.prorl.engine.rl.Validation;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The MLflow side of one phase, from opening the tracker to closing it: a no-op when tracking is
 * off, otherwise a {@link PhaseTracking} nested under the flow execution's run. The phase job
 * reports the end ({@link #finished}) or the failure ({@link #failed}); {@link #close()} flushes
 * the spool within the configured timeout.
 */
public final class PhaseTrackingSession implements TrainingListener, AutoCloseable {
  private final Tracker tracker;
  private final PhaseTracking tracking;

  private PhaseTrackingSession(Tracker tracker, PhaseTracking tracking) {
    this.tracker = tracker;
    this.tracking = tracking;
  }

  /** Tracking off. */
  public static PhaseTrackingSession off() {
    return new PhaseTrackingSession(null, null);
  }

  /**
   * @param settings the MLflow connection, or empty for no tracking
   * @param execution the run of the flow execution (the parent of the phase's run); unused when
   *     tracking is off
   * @param runId the ProRL run
   * @param params the resolved config ({@link ConfigParams})
   * @param tags lineage tags of the phase run
   */
  public static PhaseTrackingSession open(
      Optional<MlflowSettings> settings,
      TrackedRun execution,
      String runId,
      Map<String, String> params,
      Map<String, String> tags,
      TrackingLog log)
      throws IOException {
    if (settings.isEmpty()) {
      return off();
    }
    Tracker tracker = Tracker.open(settings.get(), log);
    return new PhaseTrackingSession(
        tracker, new PhaseTracking(tracker, execution, runId, params, tags, log));
  }

  @Override
  public void onPhaseStart(int phase, String startedFrom) {
    if (tracking != null) {
      tracking.onPhaseStart(phase, startedFrom);
    }
  }

  @Override
  public void onStep(StepMetrics metrics) {
    if (tracking != null) {
      tracking.onStep(metrics);
    }
  }

  @Override
  public void onValidation(int step, Validation validation) {
    if (tracking != null) {
      tracking.onValidation(step, validation);
    }
  }

  @Override
  public void onCheckpoint(String uri, int step) {
    if (tracking != null) {
      tracking.onCheckpoint(uri, step);
    }
  }

  /** The phase ended; {@code runTags} (e.g. the run's budget state) go on the phase run too. */
  public void finished(PhaseResult result, Map<String, String> runTags) {
    if (tracking != null) {
      tracking.finished(result, new LinkedHashMap<>(runTags));
    }
  }

  /** The phase failed. */
  public void failed(Throwable error) {
    if (tracking != null) {
      tracking.failed(error);
    }
  }

  /** The MLflow run id of the phase, once known. */
  public Optional<String> phaseRunId() {
    if (tracking == null || tracking.phaseRun() == null) {
      return Optional.empty();
    }
    return tracker.runId(tracking.phaseRun());
  }

  @Override
  public void close() throws IOException {
    if (tracker != null) {
      tracker.close();
    }
  }
}
