package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** SwiGLU feed-forward: down(silu(gate(x)) * up(x)), silu(z) = z * sigmoid(z). */
final class Mlp {
  private final Linear gate;
  private final Linear up;
  private final Linear down;

  Mlp(Linear gate, Linear up, Linear down) {
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  NDArray apply(NDArray x) {
    NDArray g = gate.apply(x);
    NDArray silu = g.mul(Activation.sigmoid(g));
    return down.apply(silu.mul(up.apply(x)));
  }
}
