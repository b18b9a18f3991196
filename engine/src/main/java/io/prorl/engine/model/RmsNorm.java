package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import io.prorl.engine.JavaArrays;

/** RMSNorm: y = w * x / sqrt(mean(x^2 over the last axis) + eps). */
final class RmsNorm {
  private final NDArray weight;
  private final float eps;

  RmsNorm(NDArray weight, double eps) {
    this.weight = weight;
    this.eps = (float) eps;
  }

  NDArray apply(NDArray x) {
    NDArray meanSquare = x.square().mean(new int[] {-1}, true);
    NDArray inverseRms =
        meanSquare
            .add(JavaArrays.scalar(x.getManager(), eps))
            .pow(JavaArrays.scalar(x.getManager(), -0.5));
    return x.mul(inverseRms).mul(weight);
  }
}
