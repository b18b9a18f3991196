package io.prorl.engine.sampling;

import java.util.List;

/**
 * How to sample.
 *
 * @param temperature 0 for greedy decoding; otherwise logits are divided by it
 * @param topP nucleus sampling: keep the most likely tokens whose probabilities sum to topP (1 =
 *     off)
 * @param topK keep the k most likely tokens (0 = off)
 * @param maxNewTokens generation stops with reason LENGTH after this many tokens
 * @param stop strings that end generation (reason STOP), kept in the output text
 * @param seed the seed of every random draw: same seed, same samples
 */
public record SamplingParams(
    double temperature, double topP, int topK, int maxNewTokens, List<String> stop, long seed) {

  public SamplingParams {
    stop = List.copyOf(stop);
    if (!(temperature >= 0)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must lie in (0, 1], got " + topP);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
  }

  public static SamplingParams greedy(int maxNewTokens) {
    return new SamplingParams(0, 1, 0, maxNewTokens, List.of(), 0);
  }

  public SamplingParams withSeed(long newSeed) {
    return new SamplingParams(temperature, topP, topK, maxNewTokens, stop, newSeed);
  }
}
