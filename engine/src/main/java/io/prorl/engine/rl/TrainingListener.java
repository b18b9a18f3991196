package io.prorl.engine.rl;

/** Receives what the trainer reports; Kestra tasks and MLflow subscribe through this. */
public interface TrainingListener {
  /**
   * A phase is about to train (or resume).
   *
   * @param phase the phase number, from 1
   * @param startedFrom the policy it starts from: the previous phase's end or the start policy
   */
  default void onPhaseStart(int phase, String startedFrom) {}

  void onStep(StepMetrics metrics);

  /** A validation check ran after {@code step}. */
  default void onValidation(int step, Validation validation) {}

  /** Something went less well than asked (e.g. dynamic sampling ran out of budget). */
  default void onWarning(String message) {}

  /** A checkpoint was written (its MANIFEST.json included). */
  default void onCheckpoint(String uri, int step) {}

  /** An older checkpoint was deleted by the retention policy. */
  default void onCheckpointDeleted(String uri) {}

  TrainingListener NONE = metrics -> {};

  /** Both listeners, {@code first} told first. */
  static TrainingListener both(TrainingListener first, TrainingListener second) {
    return new TrainingListener() {
      @Override
      public void onPhaseStart(int phase, String startedFrom) {
        first.onPhaseStart(phase, startedFrom);
        second.onPhaseStart(phase, startedFrom);
      }

      @Override
      public void onStep(StepMetrics metrics) {
        first.onStep(metrics);
        second.onStep(metrics);
      }

      @Override
      public void onValidation(int step, Validation validation) {
        first.onValidation(step, validation);
        second.onValidation(step, validation);
      }

      @Override
      public void onWarning(String message) {
        first.onWarning(message);
        second.onWarning(message);
      }

      @Override
      public void onCheckpoint(String uri, int step) {
        first.onCheckpoint(uri, step);
        second.onCheckpoint(uri, step);
      }

      @Override
      public void onCheckpointDeleted(String uri) {
        first.onCheckpointDeleted(uri);
        second.onCheckpointDeleted(uri);
      }
    };
  }
}
