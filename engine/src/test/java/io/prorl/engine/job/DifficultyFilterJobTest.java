package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.engine.job.DifficultyFilterJob.DifficultyFilter;
import io.prorl.engine.job.DifficultyFilterJob.FamilyCounts;
import io.prorl.engine.job.DifficultyFilterJob.Verdict;
import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import io.prorl.tasks.Solution;
import io.prorl.tasks.TaskFamilies;
import io.prorl.tasks.TaskFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The difficulty filter on the embedded policy with three test families whose pass rates are known
 * or measured: {@code always} (every response correct, p = 1), {@code never} (p = 0) and {@code
 * coin} (a response is correct when its text has an even length, so p varies by problem).
 */
class DifficultyFilterJobTest {
  @TempDir static Path tmp;
  private static Path policy;
  private static final List<String> RULES = List.of("always", "never", "coin");
  private static final TaskFamilies FAMILIES =
      new TaskFamilies(RULES.stream().map(RuleFamily::new).toList());

  /** A family whose verifier follows a fixed rule, whatever the problem asks. */
  private record RuleFamily(String name) implements TaskFamily {
    @Override
    public String description() {
      return "test: " + name;
    }

    @Override
    public Map<String, Object> defaultDifficulty() {
      return Map.of();
    }

    @Override
    public Problem generate(Map<String, ?> difficulty, long seed, int index) {
      return new Problem(
          name + "-" + index,
          name,
          Map.of(),
          "Say something, " + name + " " + index,
          Map.of(),
          null);
    }

    @Override
    public Solution solve(Problem problem) {
      return new Solution("x", "x");
    }

    @Override
    public Reward score(Problem problem, String completion) {
      boolean even = completion.replace(EmbeddedDefault.IM_END, "").length() % 2 == 0;
      boolean correct = name.equals("always") || (name.equals("coin") && even);
      return correct ? Reward.correct(name) : Reward.wrong(name);
    }

    @Override
    public void validate(Problem problem) {}
  }

  @BeforeAll
  static void writePolicy() throws Exception {
    policy = EmbeddedDefault.write(tmp.resolve("policy"), 1);
  }

  /** Three problems of each family, families interleaved. */
  private static List<Problem> problems() {
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (String rule : RULES) {
        out.add(FAMILIES.get(rule).generate(Map.of(), 0, i));
      }
    }
    return out;
  }

  private static DifficultyFilter filter(double min, double max) {
    return DifficultyFilter.builder()
        .policy(policy.toUri().toString())
        .samples(4)
        .maxNewTokens(8)
        .seed(5)
        .minPassRate(min)
        .maxPassRate(max)
        .build();
  }

  private static DifficultyFilterJob.Result run(DifficultyFilter f) throws Exception {
    List<String> log = new ArrayList<>();
    DifficultyFilterJob.Result r = DifficultyFilterJob.run(f, problems(), FAMILIES, null, log::add);
    assertThat(log).last().asString().startsWith("difficulty filter: kept ");
    return r;
  }

  @Test
  void theBandKeepsExactlyTheProblemsWhosePassRateLiesInIt() throws Exception {
    DifficultyFilterJob.Result all = run(filter(0, 1));
    assertThat(all.kept()).isEqualTo(problems());
    assertThat(all.perFamily().get("always"))
        .isEqualTo(new FamilyCounts(3, 0, 0, List.of(0, 0, 0, 0, 3)));
    assertThat(all.perFamily().get("never"))
        .isEqualTo(new FamilyCounts(3, 0, 0, List.of(3, 0, 0, 0, 0)));
    List<Integer> coin = new ArrayList<>();
    for (int i = 2; i < 9; i += 3) {
      coin.add(all.correct().get(i));
    }
    // the coin family is solved sometimes: its histogram is what was measured
    assertThat(all.perFamily().get("coin").problemsByCorrect().stream().mapToInt(x -> x).sum())
        .isEqualTo(3);
    assertThat(coin).anyMatch(c -> c > 0 && c < 4);

    // [0, 0]: only never-solved problems stay; always-solved ones are too easy
    DifficultyFilterJob.Result none = run(filter(0, 0));
    assertThat(none.perFamily().get("never"))
        .isEqualTo(new FamilyCounts(3, 0, 0, List.of(3, 0, 0, 0, 0)));
    assertThat(none.perFamily().get("always").tooEasy()).isEqualTo(3);
    assertThat(none.kept()).allMatch(p -> none.correct().get(problems().indexOf(p)) == 0);

    // [1, 1]: only always-solved problems stay
    DifficultyFilterJob.Result full = run(filter(1, 1));
    assertThat(full.perFamily().get("always").kept()).isEqualTo(3);
    assertThat(full.perFamily().get("never").tooHard()).isEqualTo(3);

    // ProRL's default band: solved sometimes, failed sometimes; coin problems per their counts
    DifficultyFilterJob.Result band =
        run(filter(DifficultyFilter.DEFAULT_MIN_PASS_RATE, DifficultyFilter.DEFAULT_MAX_PASS_RATE));
    assertThat(band.perFamily().get("always"))
        .isEqualTo(new FamilyCounts(0, 3, 0, List.of(0, 0, 0, 0, 3)));
    assertThat(band.perFamily().get("never"))
        .isEqualTo(new FamilyCounts(0, 0, 3, List.of(3, 0, 0, 0, 0)));
    for (int i = 0; i < 9; i++) {
      int c = band.correct().get(i);
      Verdict expected = c == 4 ? Verdict.TOO_EASY : c == 0 ? Verdict.TOO_HARD : Verdict.KEPT;
      assertThat(band.verdicts().get(i))
          .as("problem %d, %d of 4 correct", i, c)
          .isEqualTo(expected);
    }
    assertThat(band.kept()).allMatch(p -> p.family().equals("coin")).isNotEmpty();
  }

  @Test
  void theBandsEdgesAreInclusive() {
    DifficultyFilter f = filter(0.25, 0.75);
    assertThat(f.verdict(0)).isEqualTo(Verdict.TOO_HARD);
    assertThat(f.verdict(1)).isEqualTo(Verdict.KEPT); // 1/4 = minPassRate
    assertThat(f.verdict(3)).isEqualTo(Verdict.KEPT); // 3/4 = maxPassRate
    assertThat(f.verdict(4)).isEqualTo(Verdict.TOO_EASY);
    DifficultyFilterJob.Result r =
        DifficultyFilterJob.select(f, problems(), new int[] {4, 0, 1, 3, 0, 2, 4, 0, 0});
    assertThat(r.perFamily())
        .isEqualTo(
            Map.of(
                "always", new FamilyCounts(1, 2, 0, List.of(0, 0, 0, 1, 2)),
                "never", new FamilyCounts(0, 0, 3, List.of(3, 0, 0, 0, 0)),
                "coin", new FamilyCounts(2, 0, 1, List.of(1, 1, 1, 0, 0))));
  }

  @Test
  void theSameSeedGivesTheSameResult() throws Exception {
    DifficultyFilter f = filter(0.01, 0.99);
    DifficultyFilterJob.Result a = run(f);
    DifficultyFilterJob.Result b = run(f);
    assertThat(b.correct()).isEqualTo(a.correct());
    assertThat(b.kept()).isEqualTo(a.kept());
    assertThat(b.perFamily()).isEqualTo(a.perFamily());
  }

  @Test
  void aBandThatHoldsNoPassRateIsRefusedNamingBothEdges() {
    assertThatThrownBy(() -> filter(0.8, 0.2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "minPassRate (0.8) must be <= maxPassRate (0.2): no pass rate lies in the band");
    assertThat(DifficultyFilter.violations(0, null, 1.5, null, -0.1, null))
        .containsExactly(
            "samples must be >= 1, got 0",
            "topP must lie in (0, 1], got 1.5",
            "minPassRate must lie in [0, 1], got -0.1");
    assertThat(DifficultyFilter.violations(null, null, null, null, null, null)).isEmpty();
    assertThat(DifficultyFilter.DEFAULTS.enabled()).isFalse();
    assertThatThrownBy(() ->
            DifficultyFilterJob.run(DifficultyFilter.DEFAULTS, problems(), FAMILIES, null, s -> {}))
        .hasMessage("policy: the difficulty filter needs a policy");
  }

  /** Twelve problems per family, families interleaved: enough batches to shard at n = 16. */
  private static List<Problem> manyProblems() {
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      for (String rule : RULES) {
        out.add(FAMILIES.get(rule).generate(Map.of(), 0, i));
      }
    }
    return out;
  }

  private static PassRateCounts counts(DifficultyFilter f, List<Problem> ps, Shard shard)
      throws Exception {
    return DifficultyFilterJob.counts(f, ps, FAMILIES, null, shard, s -> {});
  }

  @Test
  void shardsMergeIntoExactlyTheUnshardedCountsAndVerdicts() throws Exception {
    for (int samples : new int[] {16, 24}) {
      DifficultyFilter f = filter(0.01, 0.99).toBuilder().samples(samples).build();
      List<Problem> ps = manyProblems();
      PassRateCounts whole = counts(f, ps, Shard.WHOLE);
      List<Integer> c = whole.counts().stream().map(PassRateCounts.ProblemPassCount::c).toList();
      assertThat(c.stream().distinct().count())
          .as("the coin family gives varied counts, so the equality below is not trivial")
          .isGreaterThan(3);
      DifficultyFilterJob.Result unsharded = DifficultyFilterJob.select(f, ps, whole, s -> {});
      for (int shards : new int[] {3, 5}) {
        List<PassRateCounts> parts = new ArrayList<>();
        for (int i = shards - 1; i >= 0; i--) { // any order
          PassRateCounts part = counts(f, ps, new Shard(i, shards));
          Path file = tmp.resolve("counts-" + samples + "-" + i + "-of-" + shards + ".json");
          part.write(file);
          parts.add(PassRateCounts.read(file));
        }
        PassRateCounts merged = PassRateCounts.merge(parts);
        assertThat(merged).as("%d samples, %d shards", samples, shards).isEqualTo(whole);
        DifficultyFilterJob.Result r = DifficultyFilterJob.select(f, ps, merged, s -> {});
        assertThat(r.kept()).isEqualTo(unsharded.kept());
        assertThat(r.perFamily()).isEqualTo(unsharded.perFamily());
      }
    }
  }

  @Test
  void countsThatAreNotTheFiltersOrTheDatasetsAreRefusedNamingWhy() throws Exception {
    DifficultyFilter f = filter(0.01, 0.99).toBuilder().samples(16).build();
    List<Problem> ps = manyProblems();
    PassRateCounts s0 = counts(f, ps, new Shard(0, 2));
    PassRateCounts s1 = counts(f, ps, new Shard(1, 2));
    assertThatThrownBy(() -> PassRateCounts.merge(List.of(s0)))
        .hasMessage("difficultyCounts: 1 shards given, but they are shards of 2");
    assertThatThrownBy(() -> PassRateCounts.merge(List.of(s0, s0)))
        .hasMessageContaining("expected shard 1 of 2");
    PassRateCounts otherSeed = counts(f.toBuilder().seed(9).build(), ps, new Shard(1, 2));
    assertThatThrownBy(() -> PassRateCounts.merge(List.of(s0, otherSeed)))
        .hasMessageStartingWith("difficultyCounts, shard 1 of 2: another filter");
    PassRateCounts whole = PassRateCounts.merge(List.of(s1, s0));
    assertThatThrownBy(
            () -> DifficultyFilterJob.select(f.toBuilder().seed(2).build(), ps, whole, s -> {}))
        .hasMessage("difficultyCounts: seed: the counts were sampled with 5, the filter has 2");
    List<Problem> other = new ArrayList<>(ps);
    other.set(7, FAMILIES.get("coin").generate(Map.of(), 0, 99));
    assertThatThrownBy(() -> DifficultyFilterJob.select(f, other, whole, s -> {}))
        .hasMessageStartingWith("problem 7 of the dataset is coin/coin-99, the counts have");
    assertThatThrownBy(() -> DifficultyFilterJob.select(f, ps.subList(0, 30), whole, s -> {}))
        .hasMessageStartingWith("the counts are of 36 problems, the dataset has 30");
    assertThatThrownBy(() -> DifficultyFilterJob.select(f, ps, s0, s -> {}))
        .hasMessage("shard 0 of 2: merge every shard's counts first");
  }

  @Test
  void aShardWithNoBatchLoadsNoModel() throws Exception {
    // 9 problems at n = 4 are one batch, which shard 0 of 2 takes: shard 1 has nothing to
    // sample (and the policy named does not exist, so loading it would fail)
    DifficultyFilter f = filter(0, 1).toBuilder().policy("file:///nowhere/policy").build();
    PassRateCounts empty = counts(f, problems(), new Shard(1, 2));
    assertThat(empty.counts()).isEmpty();
    assertThat(empty.problems()).isEqualTo(9);
  }
}
