package io.prorl.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.prorl.engine.TestModels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KvCacheTest {

  /** Left-padded batch: sequence 0 has 3 pads, sequence 1 none. */
  private static final int[][] TOKENS = {
    {0, 0, 0, 5, 9, 17, 33, 2, 40, 41, 7, 8},
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22}
  };

  private static boolean[][] valid() {
    boolean[][] v = new boolean[2][TOKENS[0].length];
    Arrays.fill(v[0], 3, v[0].length, true);
    Arrays.fill(v[1], true);
    return v;
  }

  @Test
  void decodingWithTheCacheGivesTheLogitsOfFullRecomputation() {
    try (Qwen2Model model = TestModels.tiny(1);
        NDManager m = NDManager.newBaseManager()) {
      boolean[][] valid = valid();
      int total = TOKENS[0].length;
      int prefill = 6;
      float[] full =
          model
              .forward(
                  AttentionInputs.ids(m, TOKENS, 0, total),
                  AttentionInputs.positions(m, valid, 0, total),
                  AttentionInputs.bias(m, valid, 0, total),
                  null)
              .toFloatArray();

      int vocab = model.config().vocabSize();
      try (KvCache cache = new KvCache(model.config(), 2, total, m)) {
        NDArray first =
            model.forward(
                AttentionInputs.ids(m, TOKENS, 0, prefill),
                AttentionInputs.positions(m, valid, 0, prefill),
                AttentionInputs.bias(m, valid, 0, prefill),
                cache);
        // padding slots attend to nothing real; their logits are garbage in both runs
        assertClose(
            realOnly(first.toFloatArray(), valid, 0, prefill, vocab),
            realOnly(slice(full, 0, prefill, total, vocab), valid, 0, prefill, vocab));
        for (int s = prefill; s < total; s++) {
          NDArray step =
              model.forward(
                  AttentionInputs.ids(m, TOKENS, s, s + 1),
                  AttentionInputs.positions(m, valid, s, s + 1),
                  AttentionInputs.bias(m, valid, s, s + 1),
                  cache);
          assertClose(step.toFloatArray(), slice(full, s, s + 1, total, vocab));
        }
        assertThat(cache.length()).isEqualTo(total);
      }
    }
  }

  @Test
  void paddingDoesNotChangeTheLogitsOfRealTokens() {
    try (Qwen2Model model = TestModels.tiny(2);
        NDManager m = NDManager.newBaseManager()) {
      boolean[][] valid = valid();
      int total = TOKENS[0].length;
      NDArray batched =
          model.forward(
              AttentionInputs.ids(m, TOKENS, 0, total),
              AttentionInputs.positions(m, valid, 0, total),
              AttentionInputs.bias(m, valid, 0, total),
              null);
      int[][] alone = {Arrays.copyOfRange(TOKENS[0], 3, total)};
      boolean[][] aloneValid = {new boolean[total - 3]};
      Arrays.fill(aloneValid[0], true);
      NDArray single =
          model.forward(
              AttentionInputs.ids(m, alone, 0, total - 3),
              AttentionInputs.positions(m, aloneValid, 0, total - 3),
              AttentionInputs.bias(m, aloneValid, 0, total - 3),
              null);
      assertClose(
          batched.get(new NDIndex("0, 3:, :")).toFloatArray(),
          single.get(new NDIndex("0")).toFloatArray());
    }
  }

  @Test
  void aFullCacheSaysSo() {
    try (Qwen2Model model = TestModels.tiny(3);
        NDManager m = NDManager.newBaseManager();
        KvCache cache = new KvCache(model.config(), 2, 4, m)) {
      boolean[][] valid = valid();
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
              model.forward(
                  AttentionInputs.ids(m, TOKENS, 3, 8),
                  AttentionInputs.positions(m, valid, 3, 8),
                  null,
                  cache))
          .hasMessageContaining("KV cache full: 0 + 5 positions exceed its capacity 4");
    }
  }

  /** Positions [from, to) of every sequence from logits [B, total, vocab]. */
  private static float[] slice(float[] full, int from, int to, int total, int vocab) {
    int batch = full.length / (total * vocab);
    float[] out = new float[batch * (to - from) * vocab];
    int k = 0;
    for (int b = 0; b < batch; b++) {
      for (int s = from; s < to; s++) {
        System.arraycopy(full, (b * total + s) * vocab, out, k, vocab);
        k += vocab;
      }
    }
    return out;
  }

  /** Zeroes the logits of padding slots [from, to). */
  private static float[] realOnly(float[] logits, boolean[][] valid, int from, int to, int vocab) {
    float[] out = logits.clone();
    for (int b = 0; b < valid.length; b++) {
      for (int s = from; s < to; s++) {
        if (!valid[b][s]) {
          Arrays.fill(
              out,
              (b * (to - from) + s - from) * vocab,
              (b * (to - from) + s - from + 1) * vocab,
              0f);
        }
      }
    }
    return out;
  }

  static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    float worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    assertThat(worst).as("largest absolute difference").isLessThan(1e-4f);
  }
}
