package io.prorl.engine.rl;

import io.prorl.engine.checkpoint.CheckpointRetention;
import io.prorl.engine.checkpoint.Checkpointer;

/**
 * Where and how often a phase checkpoints.
 *
 * @param checkpointer writes and reads checkpoints
 * @param runId the run: a resumed phase continues the newest complete checkpoint of this run and
 *     phase
 * @param phase the phase number, from 1
 * @param everySteps a resume point every this many steps (the phase end is always written)
 * @param keepLast after each checkpoint, keep only the newest this many step checkpoints of the run
 *     besides phase starts and ends ({@link CheckpointRetention}); 0 keeps every checkpoint
 */
public record CheckpointPlan(
    Checkpointer checkpointer, String runId, int phase, int everySteps, int keepLast) {
  public CheckpointPlan {
    if (everySteps < 1) {
      throw new IllegalArgumentException("everySteps must be at least 1, got " + everySteps);
    }
    if (keepLast < 0) {
      throw new IllegalArgumentException("keepLast must be >= 0 (0 = keep all), got " + keepLast);
    }
  }

  /** A plan that keeps every checkpoint. */
  public CheckpointPlan(Checkpointer checkpointer, String runId, int phase, int everySteps) {
    this(checkpointer, runId, phase, everySteps, 0);
  }
}
