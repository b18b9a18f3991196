package io.prorl.engine.rl;

/** Receives what the trainer reports; Kestra tasks and MLflow subscribe through this. */
public interface TrainingListener {
  void onStep(StepMetrics metrics);

  /** Something went less well than asked (e.g. dynamic sampling ran out of budget). */
  default void onWarning(String message) {}

  /** A checkpoint was written (its MANIFEST.json included). */
  default void onCheckpoint(String uri, int step) {}

  /** An older checkpoint was deleted by the retention policy. */
  default void onCheckpointDeleted(String uri) {}

  TrainingListener NONE = metrics -> {};
}
