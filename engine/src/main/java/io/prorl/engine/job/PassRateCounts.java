package io.prorl.engine.job;

import io.prorl.engine.io.JsonSchemaFile;
import io.prorl.engine.job.DifficultyFilterJob.DifficultyFilter;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the difficulty filter (or one shard of it) counted per problem before the band is applied:
 * c(q), the responses with full credit among the n sampled for problem q, with q's position in the
 * list. Shards together cover the list once ({@link #merge}); the band is applied to whole counts
 * only ({@link DifficultyFilterJob#select(DifficultyFilter, List, PassRateCounts)}), so a sharded
 * filter keeps exactly the problems an unsharded one keeps.
 *
 * @param policy the policy that sampled, as the filter named it
 * @param shard which part of the list these counts are; {@link Shard#WHOLE} after a merge
 * @param problems size of the whole list
 * @param counts this shard's problems, in list order
 */
public record PassRateCounts(
    String policy,
    int samples,
    double temperature,
    double topP,
    int maxNewTokens,
    long seed,
    Shard shard,
    int problems,
    List<ProblemPassCount> counts) {

  public static final String SCHEMA = "/schemas/pass-rate-counts.schema.json";

  public PassRateCounts {
    counts = List.copyOf(counts);
  }

  /** Problem {@code index} of the list: c of the filter's n responses had full credit. */
  public record ProblemPassCount(int index, String problemId, String family, int c) {}

  /** The sampling settings of {@code filter} with the counts of one shard. */
  static PassRateCounts of(
      DifficultyFilter filter, Shard shard, int problems, List<ProblemPassCount> c) {
    return new PassRateCounts(
        filter.policy(),
        filter.samples(),
        filter.temperature(),
        filter.topP(),
        filter.maxNewTokens(),
        filter.seed(),
        shard,
        problems,
        c);
  }

  /**
   * How these counts' sampling differs from {@code filter}'s, one message per field named as the
   * filter's, e.g. {@code seed: the counts were sampled with 1, the filter has 2}; empty when the
   * filter would have sampled them.
   */
  public List<String> differencesFrom(DifficultyFilter filter) {
    List<String> out = new ArrayList<>();
    differ(out, "policy", policy, filter.policy());
    differ(out, "samples", samples, filter.samples());
    differ(out, "temperature", temperature, filter.temperature());
    differ(out, "topP", topP, filter.topP());
    differ(out, "maxNewTokens", maxNewTokens, filter.maxNewTokens());
    differ(out, "seed", seed, filter.seed());
    return out;
  }

  private static void differ(List<String> out, String field, Object counted, Object filter) {
    if (!counted.equals(filter)) {
      out.add(field + ": the counts were sampled with " + counted + ", the filter has " + filter);
    }
  }

  /**
   * c(q) for each problem of {@code list}, which must be the list these whole counts were sampled
   * from (same size, same problem and family at every position).
   *
   * @throws IllegalArgumentException for the counts of one shard, or naming the first problem that
   *     differs
   */
  public int[] correctFor(List<Problem> list) {
    if (!shard.whole()) {
      throw new IllegalArgumentException(shard + ": merge every shard's counts first");
    }
    if (list.size() != problems) {
      throw new IllegalArgumentException(
          "the counts are of "
              + problems
              + " problems, the dataset has "
              + list.size()
              + " after cleaning: the shards assembled another dataset (generate, sources,"
              + " evaluation sets and decontamination must be the same)");
    }
    int[] c = new int[problems];
    for (int i = 0; i < problems; i++) {
      ProblemPassCount counted = counts.get(i);
      Problem p = list.get(i);
      if (!counted.problemId().equals(p.id()) || !counted.family().equals(p.family())) {
        throw new IllegalArgumentException(
            "problem "
                + i
                + " of the dataset is "
                + p.family()
                + "/"
                + p.id()
                + ", the counts have "
                + counted.family()
                + "/"
                + counted.problemId()
                + ": the shards assembled another dataset");
      }
      c[i] = counted.c();
    }
    return c;
  }

  /** Writes the counts as JSON after checking them against {@value #SCHEMA}. */
  public void write(Path file) throws IOException {
    var tree = Json.MAPPER.valueToTree(this);
    JsonSchemaFile.load(SCHEMA).require(tree, "pass-rate counts");
    Files.writeString(file, Json.MAPPER.writeValueAsString(tree));
  }

  /**
   * Reads counts written by {@link #write}.
   *
   * @throws IOException naming the file and the first field that breaks {@value #SCHEMA}
   */
  public static PassRateCounts read(Path file) throws IOException {
    try {
      var tree = Json.MAPPER.readTree(Files.readString(file));
      JsonSchemaFile.load(SCHEMA).require(tree, "pass-rate counts");
      return Json.MAPPER.treeToValue(tree, PassRateCounts.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": not a pass-rate counts file: " + e.getMessage(), e);
    }
  }

  /**
   * The whole list's counts from all its shards' counts, in any order: every shard must come from
   * the same filter over the same list, and together they must cover it exactly once, in order.
   *
   * @throws IllegalArgumentException naming the shard that breaks a rule
   */
  public static PassRateCounts merge(List<PassRateCounts> shards) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("difficultyCounts: no shard to merge");
    }
    List<PassRateCounts> ordered =
        shards.stream().sorted(Comparator.comparingInt(s -> s.shard().index())).toList();
    PassRateCounts head = ordered.get(0);
    int count = head.shard().count();
    if (shards.size() != count) {
      throw new IllegalArgumentException(
          "difficultyCounts: " + shards.size() + " shards given, but they are shards of " + count);
    }
    ProblemPassCount[] all = new ProblemPassCount[head.problems()];
    for (int i = 0; i < count; i++) {
      PassRateCounts s = ordered.get(i);
      String which = "difficultyCounts, " + s.shard();
      if (s.shard().count() != count || s.shard().index() != i) {
        throw new IllegalArgumentException(
            which + ": expected shard " + i + " of " + count + " (one shard given twice?)");
      }
      if (!sameSampling(head, s)) {
        throw new IllegalArgumentException(
            which
                + ": another filter (policy, samples, temperature, topP, maxNewTokens, seed or"
                + " problem count differ from "
                + head.shard()
                + ")");
      }
      for (ProblemPassCount c : s.counts()) {
        if (c.index() < 0 || c.index() >= all.length || all[c.index()] != null) {
          throw new IllegalArgumentException(
              which + ": problem " + c.index() + " is outside the list or in two shards");
        }
        all[c.index()] = c;
      }
    }
    for (int i = 0; i < all.length; i++) {
      if (all[i] == null) {
        throw new IllegalArgumentException("difficultyCounts: problem " + i + " is in no shard");
      }
    }
    return new PassRateCounts(
        head.policy(),
        head.samples(),
        head.temperature(),
        head.topP(),
        head.maxNewTokens(),
        head.seed(),
        Shard.WHOLE,
        head.problems(),
        List.of(all));
  }

  private static boolean sameSampling(PassRateCounts a, PassRateCounts b) {
    return a.policy().equals(b.policy())
        && a.samples() == b.samples()
        && Double.compare(a.temperature(), b.temperature()) == 0
        && Double.compare(a.topP(), b.topP()) == 0
        && a.maxNewTokens() == b.maxNewTokens()
        && a.seed() == b.seed()
        && a.problems() == b.problems();
  }
}
