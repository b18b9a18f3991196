package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.scoring.TrainingMemory;
import java.util.List;

/**
 * The three memory properties of TrainPhase and WarmStart ({@link TrainingMemory}): their titles,
 * static checks and rendering, written once for both tasks.
 */
final class MemorySettings {
  static final String LOGIT_CHUNK =
      "Positions the LM head runs on at once, with a two-stage backward (0 = all at once).";
  static final String LOGIT_CHUNK_DESCRIPTION =
      "Bounds the logits to [logitChunk, vocabulary] floats instead of [responses x length,"
          + " vocabulary]: at a 151,936-token vocabulary one 8k-token response's logits are 5 GB."
          + " The gradient is the same.";
  static final String MICRO_BATCH_TOKENS =
      "Padded tokens per forward: each update's mini-batch is cut into micro-batches whose"
          + " gradients accumulate (0 = the whole mini-batch at once).";
  static final String RECOMPUTE =
      "Activation recompute: keep one hidden state per layer and recompute each layer in the"
          + " backward, attention by query chunks; one more forward's time.";

  private MemorySettings() {}

  static List<String> violations(Property<Integer> logitChunk, Property<Integer> microBatchTokens) {
    return TrainingMemory.violations(
        StaticValues.integer(logitChunk), StaticValues.integer(microBatchTokens));
  }

  static TrainingMemory render(
      RunContext rc,
      Property<Integer> logitChunk,
      Property<Integer> microBatchTokens,
      Property<Boolean> recompute)
      throws Exception {
    return new TrainingMemory(
        Rendered.required(rc, logitChunk, Integer.class, "logitChunk"),
        Rendered.required(rc, microBatchTokens, Integer.class, "microBatchTokens"),
        Rendered.required(rc, recompute, Boolean.class, "recompute"));
  }
}
