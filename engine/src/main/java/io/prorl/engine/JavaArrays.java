package io.prorl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Tensors from Java arrays whose memory PyTorch owns. DJL's {@code manager.create(array)} wraps a
 * Java direct buffer with {@code torch::from_blob}: the tensor borrows memory that only the Java
 * object keeps alive. Once that object is closed, a view or a tensor saved for backward still
 * points into a buffer the garbage collector may free and reuse - garbage values, at random,
 * depending on GC timing. A clone owned by PyTorch removes the hazard for one extra copy.
 *
 * <p>The same hazard hides in DJL's arithmetic with a Java number ({@code x.mul(2f)}, {@code
 * x.div(n)}, {@code x.pow(-0.5f)}): DJL wraps the number with {@code from_blob} and closes it right
 * after the op, but autograd saved it for the backward pass, which then reads memory the GC may
 * have reused - a finite loss with NaN gradients, now and then. On a differentiable path, use
 * {@link #scalar} instead of a Java number.
 */
public final class JavaArrays {
  private JavaArrays() {}

  public static NDArray tensor(NDManager m, float[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  public static NDArray tensor(NDManager m, float[] data) {
    return owned(m.create(data));
  }

  public static NDArray tensor(NDManager m, long[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  public static NDArray tensor(NDManager m, int[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  public static NDArray tensor(NDManager m, boolean[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  /** A 0-d float32 tensor owned by PyTorch: a safe operand for arithmetic under autograd. */
  public static NDArray scalar(NDManager m, double value) {
    return owned(m.create(new float[] {(float) value}, new Shape()));
  }

  private static NDArray owned(NDArray borrowed) {
    NDArray copy = borrowed.duplicate();
    borrowed.close();
    return copy;
  }
}
