package io.prorl.engine.job;

import io.prorl.engine.checkpoint.CheckpointId;
import io.prorl.engine.io.JsonSchemaFile;
import io.prorl.tasks.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an evaluation (or one shard of it) counted per problem, before any averaging: for every
 * policy and problem, the completions n, the correct ones c, the sum of their rewards and of their
 * lengths. Shards of one evaluation merge into the counts of the whole by concatenation in set and
 * problem order ({@link #merge}); the report ({@link EvaluateJob#report}) is computed from whole
 * counts only, by one function, so a sharded evaluation's report equals the unsharded one to the
 * last digit: pass@k is averaged over per-problem estimates, never over shard averages.
 *
 * @param samples completions per problem, n
 * @param seed the evaluation's sampling seed (shards must share it)
 * @param shard which part of the evaluation these counts are; {@link Shard#WHOLE} after a merge
 * @param sets every set of the evaluation with all its problem ids in order, whatever the shard
 * @param policies per policy, the counts of the problems this shard sampled, in set order
 */
public record EvaluationCounts(
    int samples,
    List<Integer> ks,
    double temperature,
    double topP,
    int maxNewTokens,
    long seed,
    Shard shard,
    List<SetInfo> sets,
    List<PolicyCounts> policies) {

  public EvaluationCounts {
    ks = List.copyOf(ks);
    sets = List.copyOf(sets);
    policies = List.copyOf(policies);
  }

  /** One set: its name, whether it is out of distribution, and its problem ids in order. */
  public record SetInfo(String name, boolean outOfDistribution, List<String> problemIds) {
    public SetInfo {
      problemIds = List.copyOf(problemIds);
    }
  }

  /**
   * One policy's counts.
   *
   * @param checkpoint where the policy sits in its run, or null for a policy that is none of ours
   */
  public record PolicyCounts(
      String name, String policy, CheckpointId checkpoint, List<ProblemCount> problems) {
    public PolicyCounts {
      problems = List.copyOf(problems);
    }
  }

  /**
   * One problem under one policy.
   *
   * @param n completions sampled
   * @param c of them fully correct (reward 1)
   * @param rewardSum the sum of their rewards, in sampling order
   * @param tokens the sum of their lengths in tokens
   */
  public record ProblemCount(
      String set, String problemId, String family, int n, int c, double rewardSum, long tokens) {}

  public static final String SCHEMA = "/schemas/evaluation-counts.schema.json";

  /** Writes the counts as JSON after checking them against {@value #SCHEMA}. */
  public void write(Path file) throws IOException {
    var tree = Json.MAPPER.valueToTree(this);
    JsonSchemaFile.load(SCHEMA).require(tree, "evaluation counts");
    Files.writeString(file, Json.MAPPER.writeValueAsString(tree));
  }

  /**
   * Reads counts written by {@link #write}.
   *
   * @throws IOException naming the file and the first field that breaks {@value #SCHEMA}
   */
  public static EvaluationCounts read(Path file) throws IOException {
    try {
      var tree = Json.MAPPER.readTree(Files.readString(file));
      JsonSchemaFile.load(SCHEMA).require(tree, "evaluation counts");
      return Json.MAPPER.treeToValue(tree, EvaluationCounts.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": not an evaluation counts file: " + e.getMessage(), e);
    }
  }

  /**
   * The counts of the whole evaluation from the counts of all its shards, in any order: every shard
   * must come from the same evaluation (settings, sets, policies) and every problem of every set
   * must have been sampled by exactly one shard.
   *
   * @throws IllegalArgumentException naming the shard or the problem that breaks a rule
   */
  public static EvaluationCounts merge(List<EvaluationCounts> shards) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("counts: no shard to merge");
    }
    EvaluationCounts first = shards.get(0);
    int count = first.shard().count();
    if (shards.size() != count) {
      throw new IllegalArgumentException(
          "counts: " + shards.size() + " shards given, but they are shards of " + count);
    }
    boolean[] seen = new boolean[count];
    for (EvaluationCounts s : shards) {
      String which = "shard " + s.shard().index() + " of " + s.shard().count();
      if (s.shard().count() != count) {
        throw new IllegalArgumentException(which + ": the first shard is one of " + count);
      }
      if (seen[s.shard().index()]) {
        throw new IllegalArgumentException(which + ": given twice");
      }
      seen[s.shard().index()] = true;
      if (!sameEvaluation(first, s)) {
        throw new IllegalArgumentException(
            which
                + ": another evaluation (samples, ks, temperature, topP, maxNewTokens, seed, sets"
                + " or policies differ from shard "
                + first.shard().index()
                + ")");
      }
    }
    List<PolicyCounts> merged = new ArrayList<>();
    for (int p = 0; p < first.policies().size(); p++) {
      Map<String, ProblemCount> byKey = new HashMap<>();
      for (EvaluationCounts s : shards) {
        for (ProblemCount c : s.policies().get(p).problems()) {
          if (byKey.put(c.set() + "\n" + c.problemId(), c) != null) {
            throw new IllegalArgumentException(
                "counts: problem " + c.problemId() + " of set " + c.set() + " is in two shards");
          }
        }
      }
      List<ProblemCount> ordered = new ArrayList<>();
      for (SetInfo set : first.sets()) {
        for (String id : set.problemIds()) {
          ProblemCount c = byKey.remove(set.name() + "\n" + id);
          if (c == null) {
            throw new IllegalArgumentException(
                "counts: problem " + id + " of set " + set.name() + " is in no shard");
          }
          ordered.add(c);
        }
      }
      for (ProblemCount stray : byKey.values()) {
        throw new IllegalArgumentException(
            "counts: problem "
                + stray.problemId()
                + " of set "
                + stray.set()
                + " is no problem of the evaluation's sets");
      }
      PolicyCounts pc = first.policies().get(p);
      merged.add(new PolicyCounts(pc.name(), pc.policy(), pc.checkpoint(), ordered));
    }
    return new EvaluationCounts(
        first.samples(),
        first.ks(),
        first.temperature(),
        first.topP(),
        first.maxNewTokens(),
        first.seed(),
        Shard.WHOLE,
        first.sets(),
        merged);
  }

  private static boolean sameEvaluation(EvaluationCounts a, EvaluationCounts b) {
    if (a.samples() != b.samples()
        || !a.ks().equals(b.ks())
        || Double.compare(a.temperature(), b.temperature()) != 0
        || Double.compare(a.topP(), b.topP()) != 0
        || a.maxNewTokens() != b.maxNewTokens()
        || a.seed() != b.seed()
        || !a.sets().equals(b.sets())
        || a.policies().size() != b.policies().size()) {
      return false;
    }
    for (int i = 0; i < a.policies().size(); i++) {
      PolicyCounts x = a.policies().get(i);
      PolicyCounts y = b.policies().get(i);
      if (!x.name().equals(y.name())
          || !x.policy().equals(y.policy())
          || !Objects.equals(x.checkpoint(), y.checkpoint())) {
        return false;
      }
    }
    return true;
  }
}
