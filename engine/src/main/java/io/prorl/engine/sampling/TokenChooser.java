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
    // tokens by weight, largest first (ties: lower id first); top-p alone needs only the tokens
    // that can be in the nucleus: those at least as likely as some threshold whose mass covers it
    int[] order = topK == 0 ? covering(weights, topP * sum) : descending(weights, allTokens(vocab));
    int keep = topK == 0 ? order.length : Math.min(topK, vocab);
    double kept = 0;
    for (int i = 0; i < keep; i++) {
      kept += weights[order[i]];
    }
    if (topP < 1) {
      double cumulative = 0;
      for (int i = 0; i < keep; i++) {
        cumulative += weights[order[i]];
        if (cumulative >= topP * (topK == 0 ? sum : kept)) {
          keep = i + 1;
          kept = cumulative;
          break;
        }
      }
    }
    return inverseCdf(weights, order, keep, kept, rng);
  }

  private static int[] allTokens(int vocab) {
    int[] all = new int[vocab];
    for (int i = 0; i < vocab; i++) {
      all[i] = i;
    }
    return all;
  }

  /**
   * The tokens whose weight is at least τ, sorted descending, for the largest τ (the maximum halved
   * until it is so) whose tokens together weigh at least {@code mass}: every token with a larger
   * weight is among them, so the nucleus - the shortest prefix of the sorted vocabulary reaching
   * {@code mass} - is a prefix of them. A peaked distribution sorts a few tokens, not the whole
   * vocabulary.
   */
  private static int[] covering(double[] weights, double mass) {
    double max = 0;
    for (double w : weights) {
      max = Math.max(max, w);
    }
    for (double threshold = max; ; threshold /= 2) {
      int count = 0;
      double covered = 0;
      for (double w : weights) {
        if (w >= threshold) {
          count++;
          covered += w;
        }
      }
      if (covered >= mass || threshold == 0 || count == weights.length) {
        int[] candidates = new int[count];
        int n = 0;
        for (int i = 0; i < weights.length; i++) {
          if (weights[i] >= threshold) {
            candidates[n++] = i;
          }
        }
        return descending(weights, candidates);
      }
    }
  }

  /**
   * {@code tokens} sorted by weight descending, ties by id ascending: a primitive sort on the
   * weights rounded to float (whose bits order non-negative values), then each run of equal floats
   * re-sorted on the exact weights.
   */
  static int[] descending(double[] weights, int[] tokens) {
    long[] keys = new long[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      int bits = Float.floatToIntBits((float) weights[tokens[i]]);
      keys[i] = ((long) (Integer.MAX_VALUE - bits) << 32) | tokens[i];
    }
    Arrays.sort(keys);
    int[] order = new int[tokens.length];
    for (int i = 0; i < keys.length; i++) {
      order[i] = (int) keys[i];
    }
    for (int from = 0; from < keys.length; ) {
      int to = from + 1;
      while (to < keys.length && (keys[to] >>> 32) == (keys[from] >>> 32)) {
        to++;
      }
      if (to - from > 1) {
        Integer[] run = new Integer[to - from];
        for (int i = from; i < to; i++) {
          run[i - from] = order[i];
        }
        Arrays.sort(
            run,
            (a, b) ->
                weights[a] != weights[b]
                    ? Double.compare(weights[b], weights[a])
                    : Integer.compare(a, b));
        for (int i = from; i < to; i++) {
          order[i] = run[i - from];
        }
      }
      from = to;
    }
    return order;
  }

  private static int inverseCdf(
      double[] weights, int[] order, int count, double total, SplittableRandom rng) {
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
