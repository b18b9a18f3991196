package io.prorl.engine.sampling;

/**
 * One sampled response.
 *
 * @param tokens the response token ids (an EOS token that ended it included)
 * @param logprobs log-probability of each token under the policy at the sampling temperature
 *     (temperature 1 for greedy), before top-k/top-p truncation
 * @param finishReason STOP or LENGTH
 * @param text the decoded response (a stop string that ended it included), or null without a
 *     tokenizer
 */
public record Generation(int[] tokens, float[] logprobs, FinishReason finishReason, String text) {}
