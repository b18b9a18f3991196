package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The two autograd moves a staged backward is made of. DJL allows one {@code GradientCollector} per
 * JVM and has no custom autograd function, so the engine calls PyTorch's backward directly and cuts
 * a graph by detaching a tensor into a new leaf:
 *
 * <pre>
 *   y = f(x), L = g(y):   y' = leaf(y);  backward(g(y'))  gives dL/dy' = y'.grad
 *                         backward(sum(y * stopgrad(dL/dy')))  gives dL/dθ_f, as one backward would
 * </pre>
 */
public final class Autograd {
  private Autograd() {}

  /** Back-propagates a scalar (or any array, seeded with ones), accumulating into leaves' grads. */
  public static void backward(NDArray scalar) {
    try (NDArray ones = scalar.getManager().ones(scalar.getShape(), scalar.getDataType())) {
      JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
    }
  }

  /** A detached view of {@code x} that is a leaf requiring gradient (its grad starts empty). */
  public static NDArray leaf(NDArray x) {
    NDArray out = x.stopGradient();
    out.setRequiresGradient(true);
    return out;
  }

  /** The scalar sum(y * g): back-propagating it sends the upstream gradient g into y's graph. */
  public static NDArray seeded(NDArray y, NDArray upstream) {
    return y.mul(upstream.stopGradient()).sum();
  }

  /** Runs {@code body} with this thread's grad mode off, restoring the mode after. */
  public static <T> T withoutGradient(java.util.function.Supplier<T> body) {
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return body.get();
    } finally {
      JniUtils.setGradMode(before);
    }
  }
}
