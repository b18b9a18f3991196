package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * y = x W^T + b, with W of shape [out, in] as in PyTorch and HF checkpoints. Runs as one fused
 * {@code linear} kernel (matmul and bias together), not a transpose, a matmul and an add.
 */
final class Linear {
  private final NDArray weight;
  private final NDArray bias;

  Linear(NDArray weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * Several linears of the same input as one kernel: x [W_1; ...; W_n]^T + [b_1; ...; b_n], the
   * outputs side by side on the last axis. The weights stay separate parameters (HF names, their
   * own gradients); the stacked copy is made per call, which costs less than the kernel launches it
   * saves at this project's sizes (BENCHMARKS.md, "Fewer kernels per layer"). All with a bias or
   * all without.
   */
  static NDArray applyStacked(NDArray x, Linear... linears) {
    NDList weights = new NDList(linears.length);
    NDList biases = new NDList(linears.length);
    for (Linear l : linears) {
      weights.add(l.weight);
      if (l.bias != null) {
        biases.add(l.bias);
      }
    }
    NDArray w = NDArrays.concat(weights, 0);
    return biases.isEmpty()
        ? ai.djl.nn.core.Linear.linear(x, w).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, w, NDArrays.concat(biases, 0)).singletonOrThrow();
  }

  NDArray apply(NDArray x) {
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
