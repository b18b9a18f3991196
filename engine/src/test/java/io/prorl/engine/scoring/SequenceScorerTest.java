package io.prorl.engine.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.prorl.engine.TestModels;
import io.prorl.engine.model.Qwen2Model;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceScorerTest {
  private static final List<int[]> PROMPTS = List.of(new int[] {1, 2, 3, 4}, new int[] {5});
  private static final List<int[]> RESPONSES = List.of(new int[] {6, 7}, new int[] {8, 9, 10, 11});

  @Test
  void paddingIsMaskedAndEachSequenceScoresAsIfAlone() {
    try (Qwen2Model model = TestModels.tiny(3)) {
      SequenceScorer scorer = new SequenceScorer(model);
      float[][] batched = scorer.logprobs(PROMPTS, RESPONSES, 1.0);
      for (int b = 0; b < PROMPTS.size(); b++) {
        float[][] alone = scorer.logprobs(List.of(PROMPTS.get(b)), List.of(RESPONSES.get(b)), 1.0);
        assertThat(batched[b]).hasSize(RESPONSES.get(b).length);
        for (int i = 0; i < batched[b].length; i++) {
          assertThat(batched[b][i]).isCloseTo(alone[0][i], offset(1e-5f)).isNegative();
        }
      }
      try (NDManager m = model.manager().newSubManager()) {
        SequenceScorer.Scored s = scorer.score(m, PROMPTS, RESPONSES, 1.0);
        assertThat(s.mask().toFloatArray()).containsExactly(1, 1, 0, 0, 1, 1, 1, 1);
        float[] entropy = s.entropy().toFloatArray();
        assertThat(entropy[2]).isZero();
        // entropy of a distribution over 64 tokens lies in (0, ln 64]
        assertThat(entropy[0]).isPositive().isLessThanOrEqualTo((float) Math.log(64) + 1e-5f);
      }
    }
  }

  @Test
  void splittingTheBatchAcrossLanesChangesNoLogprob() {
    List<int[]> prompts = new java.util.ArrayList<>();
    List<int[]> responses = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      prompts.add(i % 2 == 0 ? PROMPTS.get(0) : PROMPTS.get(1));
      responses.add(i % 3 == 0 ? RESPONSES.get(0) : RESPONSES.get(1));
    }
    try (Qwen2Model model = TestModels.tiny(3)) {
      float[][] one = new SequenceScorer(model, 1).logprobs(prompts, responses, 1.0);
      float[][] two = new SequenceScorer(model, 2).logprobs(prompts, responses, 1.0);
      assertThat(two).hasNumberOfRows(10);
      for (int b = 0; b < 10; b++) {
        assertThat(two[b]).hasSize(responses.get(b).length);
        for (int i = 0; i < one[b].length; i++) {
          assertThat(two[b][i]).isCloseTo(one[b][i], offset(1e-5f));
        }
      }
    }
  }

  @Test
  void gradientOfTheLogprobsMatchesFiniteDifferences() {
    try (Qwen2Model model = TestModels.tiny(4)) {
      SequenceScorer scorer = new SequenceScorer(model);
      NDArray weight = model.parameters().get("model.layers.0.mlp.up_proj.weight");
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      float analytic;
      int index;
      try (NDManager m = model.manager().newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        io.prorl.engine.optim.Gradients.zero(model.parameters().values());
        NDArray total = scorer.score(m, PROMPTS, RESPONSES, 1.0).logprobs().sum();
        gc.backward(total);
        try (NDArray grad = weight.getGradient()) {
          float[] g = grad.toFloatArray();
          index = 0;
          for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[index])) {
              index = i;
            }
          }
          analytic = g[index];
        }
      }
      model.parameters().values().forEach(p -> p.setRequiresGradient(false));
      float[] values = weight.toFloatArray();
      float h = 1e-2f;
      float original = values[index];
      values[index] = original + h;
      weight.set(values);
      double up = sum(scorer.logprobs(PROMPTS, RESPONSES, 1.0));
      values[index] = original - h;
      weight.set(values);
      double down = sum(scorer.logprobs(PROMPTS, RESPONSES, 1.0));
      double numeric = (up - down) / (2 * h);
      assertThat(analytic).isNotZero();
      assertThat(numeric).isCloseTo(analytic, offset(Math.abs(analytic) * 0.02 + 1e-4));
    }
  }

  private static double sum(float[][] rows) {
    double s = 0;
    for (float[] r : rows) {
      for (float v : r) {
        s += v;
      }
    }
    return s;
  }
}
