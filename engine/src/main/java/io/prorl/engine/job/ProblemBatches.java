package io.prorl.engine.job;

import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Seeds;
import java.util.ArrayList;
import java.util.List;

/**
 * n responses for each problem of a list, sampled in batches that do not depend on the shard:
 *
 * <pre>
 *   chunk  = max(1, 64 / n) whole problems (a problem with n > 64 takes several batches alone)
 *   shard i of k samples chunks i, i + k, i + 2k, ...
 *   batch seed = Seeds.derive(seedBase, index of the batch's first sequence in the whole list)
 * </pre>
 *
 * So a batch is the same batch with the same seed whichever shard runs it, and its samples are
 * bitwise those of an unsharded run. Batches, not single problems: a batched forward pass is not
 * numerically independent of what else is in the batch (the kernels' summation order depends on the
 * batch's shape, padding changes the attention's length), so one problem sampled in another batch
 * would, now and then, get another token. Evaluation and the difficulty filter both sample through
 * this class, so both shard and merge exactly.
 */
final class ProblemBatches {
  /** Sequences sampled together. */
  static final int SEQUENCES_PER_BATCH = 64;

  private ProblemBatches() {}

  /** Receives every sampled response: problem {@code index} of the whole list. */
  interface Sink {
    void accept(int index, Generation response);
  }

  /** Told after each chunk: {@code done} of the shard's {@code total} problems are sampled. */
  interface Progress {
    void chunkDone(int done, int total);
  }

  /** Problems [first, end) of the whole list: one chunk. */
  record Range(int first, int end) {
    int size() {
      return end - first;
    }
  }

  /** The chunks {@code shard} samples, in list order. */
  static List<Range> chunks(int problems, int n, Shard shard) {
    int perChunk = Math.max(1, SEQUENCES_PER_BATCH / n);
    List<Range> out = new ArrayList<>();
    for (int c = shard.index(); (long) c * perChunk < problems; c += shard.count()) {
      out.add(new Range(c * perChunk, Math.min(problems, (c + 1) * perChunk)));
    }
    return out;
  }

  /**
   * Samples the shard's problems, n responses each, with {@code params} but the batch seeds above,
   * and hands each response to {@code sink}.
   */
  static List<Range> sample(
      Sampler sampler,
      Tokenizer tokenizer,
      List<Problem> problems,
      int n,
      Shard shard,
      SamplingParams params,
      long seedBase,
      Sink sink,
      Progress progress) {
    List<Range> chunks = chunks(problems.size(), n, shard);
    int total = chunks.stream().mapToInt(Range::size).sum();
    int done = 0;
    for (Range chunk : chunks) {
      int p0 = chunk.first();
      List<Problem> own = problems.subList(p0, chunk.end());
      for (int off = 0; off < own.size() * n; off += SEQUENCES_PER_BATCH) {
        int end = Math.min(own.size() * n, off + SEQUENCES_PER_BATCH);
        List<int[]> prompts = new ArrayList<>();
        for (int i = off; i < end; i++) {
          prompts.add(tokenizer.encodePrompt(own.get(i / n)));
        }
        long from = (long) p0 * n + off; // the batch's first sequence in the whole list's order
        List<Generation> out =
            sampler.generate(prompts, params.withSeed(Seeds.derive(seedBase, from)));
        for (int i = off; i < end; i++) {
          sink.accept(p0 + i / n, out.get(i - off));
        }
      }
      done += own.size();
      progress.chunkDone(done, total);
    }
    return chunks;
  }
}
