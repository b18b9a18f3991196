package io.prorl.engine.model;

import io.prorl.engine.io.SafeTensors.Tensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A freshly initialised Qwen2 network, one tensor at a time in checkpoint order ({@link
 * WeightLayout}): linear and embedding weights ~ N(0, 0.02) (HF's {@code initializer_range}),
 * biases 0, norms 1, drawn in Java from one {@code SplittableRandom(seed)} so the same seed gives
 * the same weights on any engine, whether the tensors go to a model or stream to a file.
 */
public final class InitialWeights {
  /** HF's default {@code initializer_range}. */
  static final double STD = 0.02;

  private InitialWeights() {}

  /** Receives each tensor in turn. */
  @FunctionalInterface
  public interface Sink {
    void accept(String name, Tensor tensor) throws IOException;
  }

  /** Hands every tensor of {@code config}'s layout to {@code sink}, in layout order. */
  public static void generate(ModelConfig config, long seed, Sink sink) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    for (Map.Entry<String, long[]> e : WeightLayout.of(config).entrySet()) {
      String name = e.getKey();
      long count = Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
      if (count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "tensor " + name + " has " + count + " values, more than one Java array holds");
      }
      float[] data = new float[(int) count];
      if (name.endsWith("norm.weight")) {
        Arrays.fill(data, 1f);
      } else if (name.endsWith(".weight")) {
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) (STD * gaussian(rng));
        }
      }
      sink.accept(name, new Tensor(e.getValue(), data));
    }
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller: deterministic and independent of the engine's own generator
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
