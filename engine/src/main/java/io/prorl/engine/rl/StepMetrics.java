package io.prorl.engine.rl;

/**
 * What one RL step logs (docs/PRORL.md, "What a step logs"). The update figures (entropy, kl, clip
 * fractions, grad norm, loss) are 0 and ratioMean 1 in a step where dynamic sampling found no mixed
 * group, so no update happened.
 *
 * @param step step number within the phase, from 1
 * @param rewardMean mean reward over every sampled response
 * @param rewardStd its standard deviation
 * @param accuracy share of sampled responses with full credit
 * @param keptFraction share of sampled groups kept by dynamic sampling
 * @param samplingRounds dynamic-sampling rounds used
 * @param responseLengthMean mean response length in tokens
 * @param responseLengthMax longest response
 * @param truncationRate share of responses cut at maxNewTokens
 * @param entropy mean per-token entropy of the policy on the trained tokens
 * @param kl mean k3 KL to the reference on the trained tokens
 * @param clipFractionLow share of tokens where the lower clip bound binds
 * @param clipFractionHigh share of tokens where the upper clip bound binds
 * @param ratioMean mean importance ratio
 * @param gradNorm global gradient norm before clipping (last mini-batch)
 * @param learningRate learning rate used
 * @param loss loss of the last mini-batch
 * @param rolloutTokensPerSecond response tokens sampled per second
 * @param updateTokensPerSecond response tokens trained per second (all mini-batches)
 * @param updates mini-batch updates applied (at most updatesPerStep; fewer when fewer groups were
 *     kept, 0 when none was)
 * @param skippedUpdates mini-batch updates skipped for a non-finite loss or gradient
 * @param surrogateGain mean over the step's updates of the surrogate's first-order gain ({@link
 *     SurrogateGain}); 0 when the guard is off or no update happened
 * @param sampleSeconds rollouts: sampling and verifier scoring, all dynamic-sampling rounds
 * @param referenceSeconds the reference policy's log-probs of the batch
 * @param updateSeconds the mini-batch updates: scoring with gradient, backward, AdamW
 * @param wallSeconds time of the whole step
 */
public record StepMetrics(
    int step,
    double rewardMean,
    double rewardStd,
    double accuracy,
    double keptFraction,
    int samplingRounds,
    double responseLengthMean,
    int responseLengthMax,
    double truncationRate,
    double entropy,
    double kl,
    double clipFractionLow,
    double clipFractionHigh,
    double ratioMean,
    double gradNorm,
    double learningRate,
    double loss,
    double rolloutTokensPerSecond,
    double updateTokensPerSecond,
    int updates,
    int skippedUpdates,
    double surrogateGain,
    double sampleSeconds,
    double referenceSeconds,
    double updateSeconds,
    double wallSeconds) {}
