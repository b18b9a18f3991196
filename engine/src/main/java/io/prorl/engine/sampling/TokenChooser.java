package io.prorl.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits on the Java side, so draws are reproducible from a
 * seed whatever the engine: greedy (argmax), or temperature, then top-k, then top-p (nucleus), then
 * an inverse-CDF draw.
 */
final class TokenChooser {
  private final double temperature;
  private final int topK;
  private final double topP;

  TokenChooser(SamplingParams p) {
    this.temperature = p.temperature();
    this.topK = p.topK();
    this.topP = p.topP();
  }

  /**
   * @param logits the row, read from {@code offset} for {@code vocab} values
   * @param logprob receives log p(token) under softmax(logits / T) (T = 1 when greedy)
   */
  int choose(float[] logits, int offset, int vocab, SplittableRandom rng, float[] logprob) {
    double t = temperature == 0 ? 1.0 : temperature;
    double max = Double.NEGATIVE_INFINITY;
    int argmax = 0;
    for (int i = 0; i < vocab; i++) {
      if (logits[offset + i] > max) {
        max = logits[offset + i];
        argmax = i;
      }
    }
    // log-sum-exp of logits / T, shifted by the maximum for stability
    double sum = 0;
    double[] weights = new double[vocab];
    for (int i = 0; i < vocab; i++) {
      weights[i] = Math.exp((logits[offset + i] - max) / t);
      sum += weights[i];
    }
    int chosen = temperature == 0 ? argmax : draw(weights, sum, rng);
    logprob[0] = (float) ((logits[offset + chosen] - max) / t - Math.log(sum));
    return chosen;
  }

  private int draw(double[] weights, double sum, SplittableRandom rng) {
    int vocab = weights.length;
    if (topK == 0 && topP >= 1) {
      return inverseCdf(weights, null, vocab, sum, rng);
    }
    Integer[] order = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) ->
            a.equals(b)
                ? 0
                : weights[a] != weights[b]
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
    return inverseCdf(weights, order, keep, kept, rng);
  }

  private static int inverseCdf(
      double[] weights, Integer[] order, int count, double total, SplittableRandom rng) {
    double u = rng.nextDouble() * total;
    double cumulative = 0;
    for (int i = 0; i < count; i++) {
      int token = order == null ? i : order[i];
      cumulative += weights[token];
      if (u < cumulative) {
        return token;
      }
    }
    return order == null ? count - 1 : order[count - 1];
  }
}
