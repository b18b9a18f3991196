package io.prorl.engine.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import io.prorl.engine.DjlEngine;
import io.prorl.engine.model.AttentionInputs;
import io.prorl.engine.model.KvCache;
import io.prorl.engine.model.Qwen2Model;
import io.prorl.engine.parallel.Lanes;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation. Prompts of different lengths are left-padded; the prompt batch is run once
 * (prefill) into a {@link KvCache}, then one token per sequence per step, each step attending over
 * the cache. Token choice happens in Java ({@link TokenChooser}) from a per-sequence random stream
 * derived from the seed, so the same seed gives the same samples.
 */
public final class Sampler {
  private final Qwen2Model model;
  private final Tokenizer tokenizer;
  private final int[] eosTokenIds;
  private final int lanes;

  /**
   * @param tokenizer decodes the texts and detects stop strings; may be null when neither is needed
   */
  public Sampler(Qwen2Model model, Tokenizer tokenizer) {
    this(model, tokenizer, Lanes.configured());
  }

  /**
   * @param lanes threads the batch is split across (see {@link Lanes}); each sequence's random
   *     stream depends on its index in the whole batch, not on its lane
   */
  public Sampler(Qwen2Model model, Tokenizer tokenizer, int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.eosTokenIds = model.config().eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
    this.lanes = lanes;
  }

  /** Generates one response per prompt with the KV cache, the batch split across the lanes. */
  public List<Generation> generate(List<int[]> prompts, SamplingParams params) {
    DjlEngine.gradientsOffOnThisThread();
    return Lanes.map(
        prompts.size(),
        lanes,
        Lanes.MIN_PER_LANE,
        (from, to) -> run(prompts.subList(from, to), from, params, true));
  }

  /**
   * The same generation recomputing every position at every step, without a cache: the reference
   * the cache is checked against, and the baseline of the decode benchmark.
   */
  public List<Generation> generateWithoutCache(List<int[]> prompts, SamplingParams params) {
    return run(prompts, 0, params, false);
  }

  /**
   * @param first the index of {@code prompts.get(0)} in the whole batch: it seeds the random
   *     streams
   */
  private List<Generation> run(
      List<int[]> prompts, int first, SamplingParams params, boolean useCache) {
    if (!params.stop().isEmpty() && tokenizer == null) {
      throw new IllegalArgumentException("stop strings need a tokenizer");
    }
    int batch = prompts.size();
    int promptLength = 0;
    for (int[] p : prompts) {
      if (p.length == 0) {
        throw new IllegalArgumentException("empty prompt: at least one token is needed");
      }
      promptLength = Math.max(promptLength, p.length);
    }
    int capacity = promptLength + params.maxNewTokens();
    if (capacity > model.config().maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "prompt of "
              + promptLength
              + " tokens + maxNewTokens "
              + params.maxNewTokens()
              + " exceeds max_position_embeddings "
              + model.config().maxPositionEmbeddings());
    }
    int[][] tokens = new int[batch][capacity];
    boolean[][] valid = new boolean[batch][capacity];
    boolean padded = false;
    for (int b = 0; b < batch; b++) {
      int[] p = prompts.get(b);
      int offset = promptLength - p.length;
      padded |= offset > 0;
      System.arraycopy(p, 0, tokens[b], offset, p.length);
      Arrays.fill(valid[b], offset, promptLength, true);
    }
    SplittableRandom[] rngs = new SplittableRandom[batch];
    for (int b = 0; b < batch; b++) {
      rngs[b] = new SplittableRandom(Seeds.derive(params.seed(), first + b));
    }
    TokenChooser chooser = new TokenChooser(params);
    StopDetector stops = new StopDetector(params.stop(), tokenizer);
    int vocab = model.config().vocabSize();
    int[] produced = new int[batch];
    float[][] logprobs = new float[batch][params.maxNewTokens()];
    FinishReason[] finish = new FinishReason[batch];
    float[] lp = new float[1];

    try (NDManager manager = model.manager().newSubManager();
        KvCache cache = useCache ? new KvCache(model.config(), batch, capacity, manager) : null) {
      float[] logits = lastLogits(manager, tokens, valid, 0, promptLength, cache, true);
      for (int n = 0; n < params.maxNewTokens(); n++) {
        int slot = promptLength + n;
        boolean anyActive = false;
        for (int b = 0; b < batch; b++) {
          if (finish[b] != null) {
            continue;
          }
          int token = chooser.choose(logits, b * vocab, vocab, rngs[b], lp);
          tokens[b][slot] = token;
          valid[b][slot] = true;
          logprobs[b][produced[b]++] = lp[0];
          if (isEos(token) || stops.matches(tokens[b], promptLength, slot + 1)) {
            finish[b] = FinishReason.STOP;
          } else if (produced[b] == params.maxNewTokens()) {
            finish[b] = FinishReason.LENGTH;
          } else {
            anyActive = true;
          }
        }
        if (!anyActive) {
          break;
        }
        logits =
            useCache
                ? lastLogits(manager, tokens, valid, slot, slot + 1, cache, padded)
                : lastLogits(manager, tokens, valid, 0, slot + 1, null, true);
      }
    }
    List<Generation> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      int[] response = Arrays.copyOfRange(tokens[b], promptLength, promptLength + produced[b]);
      out.add(
          new Generation(
              response,
              Arrays.copyOf(logprobs[b], produced[b]),
              finish[b],
              tokenizer == null ? null : tokenizer.decode(response)));
    }
    return out;
  }

  /** Runs slots [from, to) and returns the logits of slot to-1 of every sequence, [B * vocab]. */
  private float[] lastLogits(
      NDManager manager,
      int[][] tokens,
      boolean[][] valid,
      int from,
      int to,
      KvCache cache,
      boolean needsMask) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray ids = AttentionInputs.ids(manager, tokens, from, to);
      NDArray positions = AttentionInputs.positions(manager, valid, from, to);
      // one new token per sequence and no padding anywhere: every key is visible, no mask needed
      NDArray bias =
          needsMask || to - from > 1 ? AttentionInputs.bias(manager, valid, from, to) : null;
      // only the last slot's logits are needed: the LM head runs on it alone ([B, 1, V]), not on
      // every prompt position (TRL's logits_to_keep=1)
      NDArray hidden = model.hidden(ids, positions, bias, cache);
      return model.logits(hidden.get(new NDIndex(":, -1:, :"))).toFloatArray();
    }
  }

  private boolean isEos(int token) {
    for (int e : eosTokenIds) {
      if (e == token) {
        return true;
      }
    }
    return false;
  }
}
