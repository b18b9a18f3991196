package io.prorl.engine.job;

import io.prorl.engine.sampling.Generation;
import io.prorl.engine.sampling.Sampler;
import io.prorl.engine.sampling.SamplingParams;
import io.prorl.engine.tokenizer.ChatTemplate;
import io.prorl.engine.tokenizer.Tokenizer;
import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * n responses for each problem of a list, sampled in batches that do not depend on the shard:
 *
 * <pre>
 *   chunk  = max(1, 64 / n) whole problems (a problem with n > 64 takes several batches alone)
 *   shard i of k samples the i-th of k contiguous runs of the chunks
 *   batch seed = seedBase + (index of the batch's first sequence in the whole list)
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

  /** The problems [first, end) of the whole list that {@code shard} samples. */
  record Range(int first, int end) {
    int size() {
      return end - first;
    }
  }

  static Range range(int problems, int n, Shard shard) {
    int perChunk = perChunk(n);
    int chunks = (problems + perChunk - 1) / perChunk;
    return new Range(
        Math.min(problems, shard.firstOf(chunks) * perChunk),
        Math.min(problems, shard.endOf(chunks) * perChunk));
  }

  /**
   * Samples the shard's problems, n responses each, with {@code params} but the batch seeds above,
   * and hands each response to {@code sink}.
   */
  static Range sample(
      Sampler sampler,
      Tokenizer tokenizer,
      List<Problem> problems,
      int n,
      Shard shard,
      SamplingParams params,
      long seedBase,
      Sink sink,
      Progress progress) {
    int perChunk = perChunk(n);
    Range range = range(problems.size(), n, shard);
    for (int p0 = range.first(); p0 < range.end(); p0 += perChunk) {
      List<Problem> own = problems.subList(p0, Math.min(range.end(), p0 + perChunk));
      for (int off = 0; off < own.size() * n; off += SEQUENCES_PER_BATCH) {
        int end = Math.min(own.size() * n, off + SEQUENCES_PER_BATCH);
        List<int[]> prompts = new ArrayList<>();
        for (int i = off; i < end; i++) {
          prompts.add(tokenizer.encode(ChatTemplate.userTurn(own.get(i / n).prompt())));
        }
        long from = (long) p0 * n + off; // the batch's first sequence in the whole list's order
        List<Generation> out = sampler.generate(prompts, params.withSeed(seedBase + from));
        for (int i = off; i < end; i++) {
          sink.accept(p0 + i / n, out.get(i - off));
        }
      }
      progress.chunkDone(p0 + own.size() - range.first(), range.size());
    }
    return range;
  }

  private static int perChunk(int n) {
    return Math.max(1, SEQUENCES_PER_BATCH / n);
  }
}
