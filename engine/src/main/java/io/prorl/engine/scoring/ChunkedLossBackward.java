package io.prorl.engine.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import io.prorl.engine.model.Autograd;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.model.Trunk;
import java.util.ArrayList;
import java.util.List;

/**
 * The forward and backward of a loss that is a sum over predicted tokens, with the LM head run on
 * {@link TrainingMemory#logitChunk} positions at a time. DJL has no custom autograd function, so
 * the backward is in two stages (TwoStageBackwardTest): run the trunk to the window's hidden states
 * h; cut them into a leaf h'; per chunk of positions, compute that chunk's loss from h' through the
 * LM head and back-propagate it (its [B, chunk, V] logits freed with the chunk), accumulating
 * dL/dh' and the LM head's gradient; then back-propagate sum(h * dL/dh') through the trunk:
 *
 * <pre>
 *   L = sum_c L_c(h'[c]),   dL/dθ_trunk = d/dθ_trunk sum(h * stopgrad(dL/dh'))
 * </pre>
 *
 * verl's {@code FusedLinearForPPO} does the same with a custom function that forms the logits'
 * gradient in closed form. With {@code logitChunk} 0 the loss is formed from the whole window's
 * logits and back-propagated once (the naive path, for comparisons).
 */
public final class ChunkedLossBackward {
  private ChunkedLossBackward() {}

  /** The loss of window positions [from, to) and what the caller keeps of it (Java values). */
  public record Chunk<R>(NDArray loss, R result) {}

  /** Builds the loss of window positions [from, to) from their log-probs (and entropy). */
  @FunctionalInterface
  public interface ChunkLoss<R> {
    /**
     * @param scores the targets' log-probs [B, n] with gradient (padding not masked), and the
     *     entropy as asked for
     * @return a scalar with gradient; the whole loss is the sum over chunks
     */
    Chunk<R> of(NDManager m, TokenLogprobs scores, int from, int to);
  }

  /**
   * Runs the forward and backward of the batch's loss, accumulating into the model's parameters'
   * gradients (which must require gradient, grad mode on); returns each chunk's result in order.
   * Arrays go to {@code m} or the caller's scope.
   */
  public static <R> List<R> run(
      Qwen2Model model,
      NDManager m,
      PredictionBatch batch,
      double temperature,
      TokenLogprobs.Entropy entropy,
      TrainingMemory memory,
      ChunkLoss<R> loss) {
    Trunk trunk = batch.trunk(model, m, memory.recompute());
    NDArray h = batch.window(trunk.hidden());
    int width = batch.width();
    if (memory.logitChunk() == 0) {
      Chunk<R> whole = chunk(model, m, batch, h, temperature, entropy, loss, 0, width);
      trunk.backward(whole.loss());
      return List.of(whole.result());
    }
    NDArray cut = Autograd.leaf(h);
    int step = Math.max(1, memory.logitChunk() / batch.batch());
    List<R> out = new ArrayList<>();
    for (int from = 0; from < width; from += step) {
      int to = Math.min(width, from + step);
      try (NDScope scope = new NDScope()) { // the chunk's [B, n, V] logits die here
        scope.suppressNotUsedWarning();
        NDArray part = cut.get(new NDIndex(":, {}:{}, :", from, to));
        Chunk<R> c = chunk(model, m, batch, part, temperature, entropy, loss, from, to);
        Autograd.backward(c.loss());
        out.add(c.result());
      }
    }
    trunk.backward(Autograd.seeded(h, cut.getGradient()));
    return out;
  }

  private static <R> Chunk<R> chunk(
      Qwen2Model model,
      NDManager m,
      PredictionBatch batch,
      NDArray hidden,
      double temperature,
      TokenLogprobs.Entropy entropy,
      ChunkLoss<R> loss,
      int from,
      int to) {
    TokenLogprobs scores =
        TokenLogprobs.of(model.logits(hidden), batch.targets(m, from, to), temperature, entropy);
    return loss.of(m, scores, from, to);
  }
}
