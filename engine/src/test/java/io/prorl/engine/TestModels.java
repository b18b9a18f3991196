package io.prorl.engine;

import ai.djl.Device;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import java.util.List;

/** Small models for fast tests. */
public final class TestModels {
  private TestModels() {}

  /** 2 layers, 4 query heads sharing 2 kv heads, vocab 64. */
  public static ModelConfig tinyConfig(boolean tied) {
    return new ModelConfig(64, 32, 2, 4, 2, 64, 10000.0, 1e-6, tied, 256, -1, List.of(63));
  }

  public static Qwen2Model tiny(long seed) {
    return Qwen2Model.initialize(tinyConfig(true), seed, Device.cpu());
  }
}
