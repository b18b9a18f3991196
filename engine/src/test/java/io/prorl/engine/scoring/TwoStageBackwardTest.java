package io.prorl.engine.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.prorl.engine.GradientCheck;
import io.prorl.engine.JavaArrays;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.ModelConfig;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.optim.Gradients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spike issue 29 asks for before chunked log-probs are built on it: DJL has no custom autograd
 * function, but a two-stage backward gives the one-stage gradient. Run the trunk to the hidden
 * states h; take a detached copy h' that requires gradient; per chunk of positions, compute that
 * chunk's loss from h' through the LM head and backward it (its [chunk, V] logits freed with the
 * chunk's scope), which accumulates dL/dh' and the LM head's gradient; then backward sum(h *
 * stopGradient(dL/dh')) through the trunk.
 *
 * <pre>
 *   dL/dθ_trunk = (dL/dh) (dh/dθ_trunk) = d/dθ_trunk [ sum(h * stopgrad(dL/dh')) ]
 * </pre>
 *
 * Checked on the tiny policy's shape with tied embeddings (the LM head's gradient arrives from both
 * stages) and untied (DeepSeek-R1-Distill's layout), for a loss of log-probs and entropies with
 * per-token weights, chunks that do not divide the response length.
 */
class TwoStageBackwardTest {
  private static final int BATCH = 3;
  private static final int PROMPT = 7;
  private static final int RESPONSE = 11;
  private static final int CHUNK = 4;

  private static ModelConfig config(boolean tied) {
    return new ModelConfig(256, 32, 2, 4, 2, 48, 10000.0, 1e-6, tied, 128, -1, List.of(255));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void twoStagesGiveTheOneStageGradient(boolean tied) {
    try (Qwen2Model model = Qwen2Model.initialize(config(tied), 5, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      SplittableRandom rng = new SplittableRandom(9);
      int[][] tokens = new int[BATCH][PROMPT + RESPONSE];
      boolean[][] valid = new boolean[BATCH][PROMPT + RESPONSE];
      for (int b = 0; b < BATCH; b++) {
        int pad = b; // left padding differs per row
        for (int t = pad; t < PROMPT + RESPONSE; t++) {
          tokens[b][t] = rng.nextInt(255);
          valid[b][t] = true;
        }
      }
      float[] weights = new float[BATCH * RESPONSE];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = (float) rng.nextDouble(-1, 1);
      }
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      JniUtils.setGradMode(true);
      try {
        Map<String, float[]> one = oneStage(model, m, tokens, valid, weights);
        Map<String, float[]> two = twoStage(model, m, tokens, valid, weights);
        for (String name : one.keySet()) {
          assertThat(GradientCheck.nonZero(one.get(name))).as(name + " has a gradient").isTrue();
          assertThat(GradientCheck.relativeError(two.get(name), one.get(name)))
              .as(name)
              .isLessThanOrEqualTo(1e-5);
        }
      } finally {
        JniUtils.setGradMode(false);
        model.parameters().values().forEach(p -> p.setRequiresGradient(false));
      }
    }
  }

  /** L = sum_{b,t} w_{b,t} (logp_{b,t} + 0.1 entropy_{b,t}) over response positions. */
  private static NDArray loss(
      Qwen2Model model, NDManager m, NDArray hidden, int[][] tokens, float[] w, int from, int to) {
    int n = to - from;
    NDArray logits = model.logits(hidden);
    NDArray logSoftmax = logits.logSoftmax(-1);
    long[] targets = new long[BATCH * n];
    float[] weights = new float[BATCH * n];
    for (int b = 0; b < BATCH; b++) {
      for (int j = 0; j < n; j++) {
        targets[b * n + j] = tokens[b][PROMPT + from + j];
        weights[b * n + j] = w[b * RESPONSE + from + j];
      }
    }
    NDArray logp =
        logSoftmax.gather(JavaArrays.tensor(m, targets, new Shape(BATCH, n, 1)), 2).squeeze(2);
    NDArray entropy = logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg();
    NDArray perToken = logp.add(entropy.mul(JavaArrays.scalar(m, 0.1)));
    return perToken.mul(JavaArrays.tensor(m, weights, new Shape(BATCH, n))).sum();
  }

  private static NDArray hidden(Qwen2Model model, NDManager m, int[][] tokens, boolean[][] valid) {
    int run = PROMPT + RESPONSE - 1;
    NDArray h =
        model.hidden(
            AttentionInputs.ids(m, tokens, 0, run),
            AttentionInputs.positions(m, valid, 0, run),
            AttentionInputs.bias(m, valid, 0, run),
            null);
    return h.get(new NDIndex(":, {}:{}, :", PROMPT - 1, run)); // the predicting positions
  }

  private static Map<String, float[]> oneStage(
      Qwen2Model model, NDManager m, int[][] tokens, boolean[][] valid, float[] w) {
    Gradients.zero(model.parameters().values());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray l = loss(model, m, hidden(model, m, tokens, valid), tokens, w, 0, RESPONSE);
      backward(m, l);
    }
    return gradients(model);
  }

  private static Map<String, float[]> twoStage(
      Qwen2Model model, NDManager m, int[][] tokens, boolean[][] valid, float[] w) {
    Gradients.zero(model.parameters().values());
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray h = hidden(model, m, tokens, valid);
      NDArray detached = h.stopGradient();
      detached.setRequiresGradient(true);
      for (int from = 0; from < RESPONSE; from += CHUNK) {
        int to = Math.min(RESPONSE, from + CHUNK);
        try (NDScope chunk = new NDScope()) { // the chunk's [B, chunk, V] logits die here
          chunk.suppressNotUsedWarning();
          NDArray part = detached.get(new NDIndex(":, {}:{}, :", from, to));
          backward(m, loss(model, m, part, tokens, w, from, to));
        }
      }
      NDArray dh = detached.getGradient().stopGradient();
      backward(m, h.mul(dh).sum());
    }
    return gradients(model);
  }

  private static void backward(NDManager m, NDArray scalar) {
    NDArray ones = m.ones(scalar.getShape(), scalar.getDataType());
    JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
  }

  private static Map<String, float[]> gradients(Qwen2Model model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    model.parameters().forEach((name, p) -> out.put(name, p.getGradient().toFloatArray()));
    return out;
  }
}
