package io.prorl.engine.checkpoint;

import java.util.List;

/**
 * Everything besides weights and optimizer moments that exact resume needs ({@code
 * trainer_state.json}). Random draws are derived from (seed, step), so no generator state is kept.
 *
 * @param phase the phase
 * @param step the last completed step (0 = phase start)
 * @param seed the phase seed
 * @param dataEpoch data cursor: epoch of the prompt stream
 * @param dataOffset data cursor: position within the epoch
 * @param optimizerSteps AdamW updates applied in this phase
 * @param referenceKey the checkpoint whose weights are the KL reference (the phase start)
 * @param validations validation pass@1 values so far
 * @param stopReason why the phase ended, or null while it runs
 */
public record TrainerState(
    int phase,
    int step,
    long seed,
    int dataEpoch,
    int dataOffset,
    long optimizerSteps,
    String referenceKey,
    List<Double> validations,
    String stopReason) {

  public TrainerState {
    validations = validations == null ? List.of() : List.copyOf(validations);
  }
}
