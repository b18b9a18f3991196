package io.prorl.engine.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The no-gradient log-probs (old and reference policies) computed through the LM head a chunk of
 * positions at a time equal the ones of the whole [B, R, V] logits, for chunks that do not divide
 * the responses, responses of different lengths, a temperature, one lane and two.
 */
class ChunkedLogprobsTest {

  @Test
  void chunkedLogprobsEqualTheWholeLogitsOnes() {
    ModelConfig config =
        new ModelConfig(300, 32, 2, 4, 2, 48, 10000.0, 1e-6, true, 128, -1, List.of(299));
    try (Qwen2Model model = Qwen2Model.initialize(config, 3, Device.cpu())) {
      SplittableRandom rng = new SplittableRandom(4);
      List<int[]> prompts = new ArrayList<>();
      List<int[]> responses = new ArrayList<>();
      for (int b = 0; b < 5; b++) {
        prompts.add(rng.ints(3 + b, 0, 299).toArray());
        responses.add(rng.ints(b == 2 ? 0 : 4 + 3 * b, 0, 299).toArray());
      }
      float[][] whole;
      try (NDManager m = model.manager().newSubManager()) {
        SequenceScorer.Scored s = new SequenceScorer(model, 1).score(m, prompts, responses, 0.7);
        float[] flat = s.logprobs().toFloatArray();
        int r = (int) s.logprobs().getShape().get(1);
        whole = new float[5][];
        for (int b = 0; b < 5; b++) {
          whole[b] = java.util.Arrays.copyOfRange(flat, b * r, b * r + responses.get(b).length);
        }
      }
      for (int chunk : List.of(1, 7, 11, 1024)) {
        for (int lanes : List.of(1, 2)) {
          float[][] chunked =
              new SequenceScorer(model, lanes, chunk).logprobs(prompts, responses, 0.7);
          for (int b = 0; b < 5; b++) {
            assertThat(chunked[b]).hasSameSizeAs(whole[b]);
            for (int t = 0; t < whole[b].length; t++) {
              assertThat(chunked[b][t])
                  .as("chunk %d lanes %d sequence %d token %d", chunk, lanes, b, t)
                  .isCloseTo(whole[b][t], within(1e-5f));
            }
          }
        }
      }
    }
  }
}
