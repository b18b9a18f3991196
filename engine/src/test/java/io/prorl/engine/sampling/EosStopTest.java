package io.prorl.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.TestModels;
import io.prorl.engine.io.SafeTensors.Tensor;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.model.WeightLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Generation ends at an end-of-sequence id with no stop string at all: a model whose every hidden
 * state is the all-ones vector (every embedding row ones, every attention and MLP output zero) and
 * whose LM head has ones in one row only puts logit d = 32 on that token and 0 on all others, so
 * every sampled token is that one (1 - 63 e^-32 of the mass at T 1).
 */
class EosStopTest {
  /** The untied tiny model with every logit 0 but {@code token}'s. */
  private static Qwen2Model forcing(ModelConfig config, int token) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : WeightLayout.of(config).entrySet()) {
      String name = e.getKey();
      float[] data = new float[(int) Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b)];
      if (name.endsWith("norm.weight") || name.equals("model.embed_tokens.weight")) {
        Arrays.fill(data, 1f);
      } else if (name.equals("lm_head.weight")) {
        int d = config.hiddenSize();
        Arrays.fill(data, token * d, (token + 1) * d, 1f);
      }
      tensors.put(name, new Tensor(e.getValue(), data));
    }
    return Qwen2Model.fromTensors(config, tensors, Device.cpu());
  }

  @Test
  void aResponseEndsAtTheFirstEosIdWithoutStopStrings() {
    DjlEngine.pytorch();
    ModelConfig config = TestModels.tinyConfig(false); // eos 63
    SamplingParams params = new SamplingParams(1.0, 1.0, 0, 16, List.of(), 5);
    try (Qwen2Model eos = forcing(config, 63);
        Qwen2Model other = forcing(config, 7)) {
      List<Generation> out =
          new Sampler(eos, null, 1).generate(List.of(new int[] {1, 2, 3}, new int[] {4}), params);
      assertThat(out)
          .allSatisfy(g -> {
            assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(g.tokens()).containsExactly(63);
          });

      // the same forced token is not an eos id of this config: generation runs to the limit
      List<Generation> long_ = new Sampler(other, null, 1).generate(List.of(new int[] {1}), params);
      assertThat(long_.getFirst().finishReason()).isEqualTo(FinishReason.LENGTH);
      assertThat(long_.getFirst().tokens()).hasSize(16).containsOnly(7);
    }
    // eos ids as generation_config.json gives them (HfModelDir.withGenerationEos): 7 ends it
    try (Qwen2Model other = forcing(config.withEosTokenIds(List.of(7, 63)), 7)) {
      Generation g =
          new Sampler(other, null, 1).generate(List.of(new int[] {1}), params).getFirst();
      assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(g.tokens()).containsExactly(7);
    }
  }
}
