package io.prorl.engine.rl;

import io.prorl.engine.checkpoint.Checkpointer;

/**
 * Where and how often a phase checkpoints.
 *
 * @param checkpointer writes and reads checkpoints
 * @param runId the run: a resumed phase continues the newest complete checkpoint of this run and
 *     phase
 * @param phase the phase number, from 1
 * @param everySteps a resume point every this many steps (the phase end is always written)
 */
public record CheckpointPlan(Checkpointer checkpointer, String runId, int phase, int everySteps) {
  public CheckpointPlan {
    if (everySteps < 1) {
      throw new IllegalArgumentException("everySteps must be at least 1, got " + everySteps);
    }
  }
}
