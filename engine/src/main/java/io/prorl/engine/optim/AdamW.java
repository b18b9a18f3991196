package io.prorl.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.io.SafeTensors.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter), as PyTorch's {@code AdamW}:
 *
 * <pre>
 *   p   = p - lr * wd * p
 *   m   = b1 * m + (1 - b1) * g
 *   v   = b2 * v + (1 - b2) * g^2
 *   p   = p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 *
 * Its moments can be saved and restored for exact resume, and a new instance is the "fresh
 * optimizer" of a ProRL reference reset.
 *
 * <p>A large parameter is updated by blocks of rows of at most {@link #BLOCK_ELEMENTS} elements
 * (views, updated in place), so the update's temporaries (five per block) stay small: updated
 * whole, a 151,936 x 896 embedding's five temporaries were 2.7 GB, and they set the peak of a whole
 * update of a 0.5B model trained with recompute (BENCHMARKS.md, "Memory at real shapes").
 */
public final class AdamW implements AutoCloseable {
  /** Hyperparameters. */
  public record Config(double beta1, double beta2, double eps, double weightDecay) {
    public static Config defaults() {
      return new Config(0.9, 0.999, 1e-8, 0.01);
    }
  }

  /** Elements (4 bytes each) of the largest block of a parameter updated at once. */
  static final long BLOCK_ELEMENTS = 1L << 22;

  private final Config config;
  private final long blockElements;
  private final NDManager manager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long step;

  public AdamW(Config config, NDManager parent) {
    this(config, parent, BLOCK_ELEMENTS);
  }

  /** An optimizer whose blocks hold at most {@code blockElements} elements (tests). */
  AdamW(Config config, NDManager parent, long blockElements) {
    this.config = config;
    this.blockElements = blockElements;
    this.manager = parent.newSubManager();
  }

  /** Updates are applied so far. */
  public long step() {
    return step;
  }

  /**
   * Applies one update to every parameter that has a gradient, using {@code lr}.
   *
   * @param gradients parameter name to its gradient, same shapes as the parameters
   */
  public void update(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double lr) {
    step++;
    float b1 = (float) config.beta1();
    float b2 = (float) config.beta2();
    float correction1 = (float) (1 - Math.pow(config.beta1(), step));
    float correction2 = (float) (1 - Math.pow(config.beta2(), step));
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray g = gradients.get(e.getKey());
      if (g == null) {
        continue;
      }
      NDArray p = e.getValue();
      NDArray m = firstMoments.computeIfAbsent(e.getKey(), k -> owned(manager.zeros(p.getShape())));
      NDArray v =
          secondMoments.computeIfAbsent(e.getKey(), k -> owned(manager.zeros(p.getShape())));
      long rows = p.getShape().dimension() < 2 ? 1 : p.getShape().get(0);
      long perRow = p.getShape().size() / Math.max(1, rows);
      long block = rows == 1 ? 1 : Math.max(1, blockElements / Math.max(1, perRow));
      for (long from = 0; from < rows; from += block) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          if (rows == 1 || block >= rows) {
            apply(p, g, m, v, lr, b1, b2, correction1, correction2);
          } else {
            NDIndex at = new NDIndex("{}:{}", from, Math.min(rows, from + block));
            apply(p.get(at), g.get(at), m.get(at), v.get(at), lr, b1, b2, correction1, correction2);
          }
        }
      }
    }
  }

  /** The update of one parameter, or of a block of its rows (views: updated in place). */
  private void apply(
      NDArray p,
      NDArray g,
      NDArray m,
      NDArray v,
      double lr,
      float b1,
      float b2,
      float correction1,
      float correction2) {
    m.muli(b1).addi(g.mul(1 - b1));
    v.muli(b2).addi(g.square().muli(1 - b2));
    NDArray denominator = v.div(correction2).sqrt().addi((float) config.eps());
    NDArray update = m.div(correction1).divi(denominator);
    if (config.weightDecay() != 0) {
      p.muli((float) (1 - lr * config.weightDecay()));
    }
    p.subi(update.muli((float) lr));
  }

  /** The moments by parameter name ({@code <name>.exp_avg}, {@code <name>.exp_avg_sq}). */
  public Map<String, Tensor> state() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    firstMoments.forEach((k, a) -> out.put(k + ".exp_avg", tensor(a)));
    secondMoments.forEach((k, a) -> out.put(k + ".exp_avg_sq", tensor(a)));
    return out;
  }

  /** Restores moments written by {@link #state()} and the step count. */
  public void load(Map<String, Tensor> state, long steps) {
    close();
    state.forEach((k, t) -> {
      NDArray a =
          owned(JavaArrays.tensor(manager, t.data(), new ai.djl.ndarray.types.Shape(t.shape())));
      if (k.endsWith(".exp_avg_sq")) {
        secondMoments.put(k.substring(0, k.length() - ".exp_avg_sq".length()), a);
      } else if (k.endsWith(".exp_avg")) {
        firstMoments.put(k.substring(0, k.length() - ".exp_avg".length()), a);
      } else {
        throw new IllegalArgumentException("optimizer state: unexpected tensor " + k);
      }
    });
    this.step = steps;
  }

  /** Frees the moments (a reset starts from zero moments). */
  @Override
  public void close() {
    firstMoments.values().forEach(NDArray::close);
    secondMoments.values().forEach(NDArray::close);
    firstMoments.clear();
    secondMoments.clear();
  }

  /** Moments live as long as the optimizer, not as long as a caller's NDScope. */
  private static NDArray owned(NDArray a) {
    NDScope.unregister(a);
    return a;
  }

  private static Tensor tensor(NDArray a) {
    return new Tensor(a.getShape().getShape(), a.toFloatArray());
  }
}
