package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;

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

  NDArray apply(NDArray x) {
    return bias == null
        ? ai.djl.nn.core.Linear.linear(x, weight).singletonOrThrow()
        : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
