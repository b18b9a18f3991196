package io.prorl.engine.parallel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import io.prorl.engine.model.Autograd;
import io.prorl.engine.model.Qwen2Model;
import java.util.List;

/**
 * Data parallelism on one machine: a mini-batch's forward and backward split across {@link Lanes},
 * each lane differentiating its own share of the loss, PyTorch summing the lanes' gradients into
 * the parameters' {@code .grad}. The loss must be a sum over examples normalised by the whole
 * mini-batch (not by a lane's share), so the summed gradient is the gradient of the whole loss:
 *
 * <pre>
 *   L = sum_lanes L_lane,  L_lane = sum_{i in lane} l_i / N   =>   dL = sum_lanes dL_lane
 * </pre>
 *
 * PyTorch's autograd accumulates concurrent backward passes into a shared leaf under a lock; with
 * two lanes the sum {@code g_a + g_b} is the same in either order (IEEE addition commutes), so the
 * result is reproducible. DJL's {@code GradientCollector} allows one collector per JVM, so each
 * lane switches its own thread's grad mode and calls PyTorch's backward directly.
 */
public final class DataParallel {
  private DataParallel() {}

  /** A lane's share of the loss and what the caller wants back from it (Java values only). */
  public record Part<R>(NDArray loss, R result) {}

  /** Builds the loss of items {@code [from, to)}; arrays go to {@code manager} or the scope. */
  @FunctionalInterface
  public interface LossOf<R> {
    Part<R> build(NDManager manager, int from, int to);
  }

  /** Runs the forward and backward(s) of items {@code [from, to)} itself, with grad mode on. */
  @FunctionalInterface
  public interface LaneWork<R> {
    R run(NDManager manager, int from, int to);
  }

  /**
   * Zeroes no gradient: call {@code Gradients.zero} first. Returns each lane's result, in lane
   * order, after every lane's backward has finished.
   *
   * @param n the mini-batch's size
   */
  public static <R> List<R> backward(
      Qwen2Model model, int n, int lanes, int minPerLane, LossOf<R> lossOf) {
    return run(
        model,
        n,
        lanes,
        minPerLane,
        (m, from, to) -> {
          Part<R> part = lossOf.build(m, from, to);
          Autograd.backward(part.loss());
          return part.result();
        });
  }

  /**
   * Like {@link #backward}, for lanes that back-propagate in stages themselves ({@link Autograd}):
   * each lane runs with its own thread's grad mode on, its own manager and scope.
   */
  public static <R> List<R> run(
      Qwen2Model model, int n, int lanes, int minPerLane, LaneWork<R> work) {
    return Lanes.map(
        n,
        lanes,
        minPerLane,
        (from, to) -> {
          JniUtils.setGradMode(true);
          try (NDManager m = model.manager().newSubManager();
              NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return List.of(work.run(m, from, to));
          } finally {
            JniUtils.setGradMode(false);
          }
        });
  }
}
