package io.prorl.engine.rl;

/**
 * One response the policy trains on, with everything the loss needs from the rollout.
 *
 * @param prompt the prompt's tokens
 * @param response the response's tokens (may be empty)
 * @param oldLogp log-probs of {@code response} under the policy that sampled it
 * @param refLogp log-probs under the reference policy, or null when klCoef is 0
 * @param advantage the response's group advantage A_i
 * @param counted false when its tokens are masked out of the loss (empty, or truncated with
 *     maskTruncated)
 */
public record PolicySample(
    int[] prompt,
    int[] response,
    float[] oldLogp,
    float[] refLogp,
    double advantage,
    boolean counted) {

  public PolicySample {
    if (oldLogp.length != response.length) {
      throw new IllegalArgumentException(
          "oldLogp has " + oldLogp.length + " entries for " + response.length + " response tokens");
    }
    if (refLogp != null && refLogp.length != response.length) {
      throw new IllegalArgumentException(
          "refLogp has " + refLogp.length + " entries for " + response.length + " response tokens");
    }
  }

  /** This sample with the reference's log-probs. */
  public PolicySample withRefLogp(float[] ref) {
    return new PolicySample(prompt, response, oldLogp, ref, advantage, counted);
  }

  /** Tokens this sample contributes to the loss. */
  public int countedTokens() {
    return counted ? response.length : 0;
  }
}
