package io.prorl.engine.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.prorl.engine.JavaArrays;

/**
 * The ProRL objective on one mini-batch: DAPO's clipped surrogate with decoupled clip ranges, plus
 * beta times the k3 estimate of KL(pi_theta || pi_ref), minus an optional entropy bonus. Inputs are
 * [B, T] per-token tensors over response tokens; {@code mask} is 1 for tokens that count (prompt
 * and padding never appear; truncated responses may be masked out by the caller).
 *
 * <pre>
 *   ratio_{i,t} = exp(logp_theta(o_{i,t}) - logp_old(o_{i,t}))
 *   l_{i,t}     = - min(ratio * A_i, clip(ratio, 1 - eps_low, 1 + eps_high) * A_i)
 *   dual clip (A_i < 0, c = clipRatioC > 0):  l_{i,t} = min(l_{i,t}, - c * A_i)
 *   L_clip = agg(l)
 *   KL_{i,t} (k3) = exp(logp_ref - logp_theta) - (logp_ref - logp_theta) - 1
 *   L = L_clip + beta * agg(KL) - entropyCoef * agg(entropy)
 *
 *   agg = TOKEN:    sum_i sum_t x_{i,t} / sum_i |o_i|
 *         SEQUENCE: mean_i ( sum_t x_{i,t} / |o_i| )
 * </pre>
 *
 * As in verl, both log-ratios are clamped to [-20, 20] before exp and the k3 term to [-10, 10], so
 * a token the policy has driven to near-zero probability cannot make the loss infinite. The dual
 * clip is verl's {@code compute_policy_loss_vanilla}: a negative-advantage token whose ratio lies
 * above c contributes the constant {@code -c * A} and no gradient.
 *
 * <p>No arithmetic here takes a Java number: DJL wraps it in a borrowed buffer that autograd keeps
 * past its release ({@link JavaArrays}); every constant is a {@link JavaArrays#scalar}.
 */
public final class GrpoLoss {
  static final float LOG_RATIO_LIMIT = 20f;
  static final float K3_LIMIT = 10f;

  private final LossConfig config;

  public GrpoLoss(LossConfig config) {
    this.config = config;
  }

  /**
   * @param loss the scalar to minimise (carries the gradient of {@code logp})
   * @param clipFractionLow share of tokens where the lower clip binds (A < 0, ratio < 1 - eps_low)
   * @param clipFractionHigh share of tokens where the upper clip binds (A > 0, ratio > 1 +
   *     eps_high)
   * @param ratioMean mean ratio over counted tokens
   * @param kl mean k3 KL over counted tokens (0 when klCoef is 0)
   * @param clipFractionDual share of tokens where the dual clip binds (A < 0, ratio > c)
   */
  public record Result(
      NDArray loss,
      double clipFractionLow,
      double clipFractionHigh,
      double ratioMean,
      double kl,
      double clipFractionDual) {}

  /**
   * What {@code agg} divides by, for a share of a mini-batch whose loss is normalised by the whole
   * mini-batch (data-parallel lanes): its counted tokens (TOKEN) and its responses (SEQUENCE).
   */
  public record Normaliser(double tokens, int sequences) {}

  /**
   * @param logp log-probs under the policy being trained [B, T] (with gradient)
   * @param oldLogp log-probs under the policy that sampled [B, T]
   * @param refLogp log-probs under the reference [B, T], or null when klCoef is 0
   * @param advantages one advantage per response [B]
   * @param mask [B, T] 1 for counted tokens
   * @param entropy per-token entropy [B, T], or null when entropyCoef is 0
   */
  public Result compute(
      NDArray logp,
      NDArray oldLogp,
      NDArray refLogp,
      NDArray advantages,
      NDArray mask,
      NDArray entropy) {
    return compute(logp, oldLogp, refLogp, advantages, mask, entropy, null);
  }

  /**
   * The loss of a share of a mini-batch: {@code agg} divides by the whole mini-batch's {@code
   * normaliser} (null: by this share's own), so the shares' losses sum to the whole one. The
   * fractions and means in the result are over this share's counted tokens.
   */
  public Result compute(
      NDArray logp,
      NDArray oldLogp,
      NDArray refLogp,
      NDArray advantages,
      NDArray mask,
      NDArray entropy,
      Normaliser normaliser) {
    Normaliser n =
        normaliser != null
            ? normaliser
            : new Normaliser(mask.sum().getFloat(), (int) mask.getShape().get(0));
    Sums s = weighted(logp, oldLogp, refLogp, advantages, mask, weights(mask, n), entropy);
    double tokens = Math.max(1.0, s.tokens());
    return new Result(
        s.loss(),
        s.clipLow() / tokens,
        s.clipHigh() / tokens,
        s.ratio() / tokens,
        s.kl() / tokens,
        s.clipDual() / tokens);
  }

  /**
   * The per-token weights that make {@code sum(x * w)} verl's {@code agg_loss} of a whole
   * mini-batch (see the class comment), from a share's mask:
   *
   * <pre>
   *   TOKEN:    w_{i,t} = mask_{i,t} / sum_i |o_i|
   *   SEQUENCE: w_{i,t} = mask_{i,t} / (|o_i| * sequences)
   * </pre>
   */
  private NDArray weights(NDArray mask, Normaliser n) {
    NDManager m = mask.getManager();
    if (config.aggregation() == LossConfig.Aggregation.TOKEN) {
      return mask.div(JavaArrays.scalar(m, Math.max(1.0, n.tokens())));
    }
    NDArray lengths = mask.sum(new int[] {1}, true).maximum(JavaArrays.scalar(m, 1));
    return mask.div(lengths).div(JavaArrays.scalar(m, Math.max(1, n.sequences())));
  }

  /**
   * The per-token weight of response {@code i}'s counted tokens in a mini-batch's loss: {@link
   * #weights} for a response of {@code counted} counted tokens, from Java numbers, so that a
   * mini-batch can be cut into chunks of positions whose losses sum to the whole.
   */
  public double tokenWeight(int counted, Normaliser n) {
    if (config.aggregation() == LossConfig.Aggregation.TOKEN) {
      return 1.0 / Math.max(1.0, n.tokens());
    }
    return 1.0 / (Math.max(1, counted) * (double) Math.max(1, n.sequences()));
  }

  /**
   * A weighted loss and its metrics as sums over counted tokens (divide by {@code tokens} for
   * means), so that chunks of positions add up.
   *
   * @param loss {@code sum(w * (l_clip + beta * KL - entropyCoef * entropy))}
   * @param tokens counted tokens
   */
  public record Sums(
      NDArray loss,
      double tokens,
      double clipLow,
      double clipHigh,
      double clipDual,
      double ratio,
      double kl) {}

  /**
   * The loss on [B, n] tokens weighted by {@code weights} (0 where {@code mask} is 0; {@link
   * #tokenWeight}), and the metric sums over {@code mask}'s tokens.
   *
   * @param entropy [B, n] entropy (with gradient), or null when entropyCoef is 0
   */
  public Sums weighted(
      NDArray logp,
      NDArray oldLogp,
      NDArray refLogp,
      NDArray advantages,
      NDArray mask,
      NDArray weights,
      NDArray entropy) {
    NDManager m = logp.getManager();
    NDArray a = advantages.reshape(-1, 1);
    NDArray ratio = logp.sub(oldLogp.stopGradient()).clip(-LOG_RATIO_LIMIT, LOG_RATIO_LIMIT).exp();
    NDArray surrogate = ratio.mul(a);
    NDArray clipped = ratio.clip(1 - config.epsLow(), 1 + config.epsHigh()).mul(a);
    NDArray perToken = NDArrays.minimum(surrogate, clipped).neg();
    NDArray negative = a.lt(0f).toType(DataType.FLOAT32, false);
    double dual = 0;
    if (config.clipRatioC() > 0) {
      NDArray bound = a.mul(JavaArrays.scalar(m, config.clipRatioC())).neg();
      NDArray dualClipped = NDArrays.minimum(perToken, bound);
      dual =
          maskedSum(
              perToken.stopGradient().gt(bound).toType(DataType.FLOAT32, false).mul(negative),
              mask);
      perToken = NDArrays.where(a.lt(0f).broadcast(perToken.getShape()), dualClipped, perToken);
    }
    NDArray loss = perToken.mul(weights).sum();

    double kl = 0;
    if (config.klCoef() > 0) {
      if (refLogp == null) {
        throw new IllegalArgumentException("klCoef > 0 needs the reference log-probs");
      }
      NDArray delta = refLogp.stopGradient().sub(logp).clip(-LOG_RATIO_LIMIT, LOG_RATIO_LIMIT);
      NDArray k3 = delta.exp().sub(delta).sub(JavaArrays.scalar(m, 1)).clip(-K3_LIMIT, K3_LIMIT);
      loss = loss.add(k3.mul(weights).sum().mul(JavaArrays.scalar(m, config.klCoef())));
      kl = maskedSum(k3, mask);
    }
    if (config.entropyCoef() > 0) {
      if (entropy == null) {
        throw new IllegalArgumentException("entropyCoef > 0 needs the per-token entropy");
      }
      loss = loss.sub(entropy.mul(weights).sum().mul(JavaArrays.scalar(m, config.entropyCoef())));
    }
    NDArray r = ratio.stopGradient();
    NDArray positive = a.gt(0f).toType(DataType.FLOAT32, false);
    NDArray low = r.lt((float) (1 - config.epsLow())).toType(DataType.FLOAT32, false).mul(negative);
    NDArray high =
        r.gt((float) (1 + config.epsHigh())).toType(DataType.FLOAT32, false).mul(positive);
    return new Sums(
        loss,
        mask.sum().getFloat(),
        maskedSum(low, mask),
        maskedSum(high, mask),
        dual,
        maskedSum(r, mask),
        kl);
  }

  private static double maskedSum(NDArray x, NDArray mask) {
    return x.stopGradient().mul(mask).sum().getFloat();
  }
}
