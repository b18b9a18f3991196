package io.prorl.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The nucleus found without sorting the whole vocabulary draws the very tokens the full sort drew
 * (the reference below is the chooser's previous code), on flat and peaked rows with ties, at the
 * embedded vocabulary and at Qwen's.
 */
class TokenChooserTest {

  /** The previous top-k / top-p draw: every token boxed and sorted. */
  private static int reference(double[] weights, int topK, double topP, SplittableRandom rng) {
    int vocab = weights.length;
    Integer[] order = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            weights[a] != weights[b]
                ? Double.compare(weights[b], weights[a])
                : Integer.compare(a, b));
    int keep = topK == 0 ? vocab : Math.min(topK, vocab);
    double kept = 0;
    for (int i = 0; i < keep; i++) {
      kept += weights[order[i]];
    }
    if (topP < 1) {
      double cumulative = 0;
      for (int i = 0; i < keep; i++) {
        cumulative += weights[order[i]];
        if (cumulative >= topP * kept) {
          keep = i + 1;
          kept = cumulative;
          break;
        }
      }
    }
    double u = rng.nextDouble() * kept;
    double cumulative = 0;
    for (int i = 0; i < keep; i++) {
      cumulative += weights[order[i]];
      if (u < cumulative) {
        return order[i];
      }
    }
    return order[keep - 1];
  }

  @Test
  void drawsTheTokensTheFullSortDrew() {
    SplittableRandom data = new SplittableRandom(11);
    int compared = 0;
    for (int vocab : List.of(7, 1024, 151_936)) {
      for (double scale : List.of(0.01, 1.0, 8.0)) {
        for (int row = 0; row < (vocab > 2000 ? 3 : 40); row++) {
          float[] logits = new float[vocab];
          for (int i = 0; i < vocab; i++) {
            // a coarse grid makes ties; scale sets how peaked the row is
            logits[i] = (float) (Math.round(data.nextGaussian() * 4) / 4.0 * scale);
          }
          for (double topP : List.of(0.5, 0.95, 1.0)) {
            for (int topK : List.of(0, 5)) {
              SamplingParams p = new SamplingParams(0.6, topP, topK, 8, List.of(), 0);
              TokenChooser chooser = new TokenChooser(p);
              double max = Double.NEGATIVE_INFINITY;
              for (float l : logits) {
                max = Math.max(max, l);
              }
              double[] weights = new double[vocab];
              for (int i = 0; i < vocab; i++) {
                weights[i] = Math.exp((logits[i] - max) / 0.6);
              }
              for (int draw = 0; draw < 5; draw++) {
                long seed = data.nextLong();
                int expected =
                    topK == 0 && topP >= 1
                        ? chooser.choose(logits, 0, vocab, new SplittableRandom(seed), new float[1])
                        : reference(weights, topK, topP, new SplittableRandom(seed));
                assertThat(
                        chooser.choose(logits, 0, vocab, new SplittableRandom(seed), new float[1]))
                    .as("vocab %d scale %s topP %s topK %d", vocab, scale, topP, topK)
                    .isEqualTo(expected);
                compared++;
              }
            }
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(3000);
  }

  @Test
  void descendingOrdersByExactWeightThenId() {
    double[] w = {0.5, 0.5000000001, 0.25, 0.5, 1.0};
    assertThat(TokenChooser.descending(w, new int[] {0, 1, 2, 3, 4}))
        .containsExactly(4, 1, 0, 3, 2);
  }
}
