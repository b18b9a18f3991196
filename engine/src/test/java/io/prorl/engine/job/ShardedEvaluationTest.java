package io.prorl.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.ParityFamily;
import io.prorl.engine.defaults.EmbeddedDefault;
import io.prorl.tasks.Json;
import io.prorl.tasks.Problem;
import io.prorl.tasks.TaskFamilies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sharded evaluation merged from its shards' counts gives the unsharded report to the last digit:
 * each shard runs whole batches with the seeds the unsharded run gives them, and the report is
 * computed from per-problem counts by one function.
 */
class ShardedEvaluationTest {
  @TempDir static Path shared;
  @TempDir Path tmp;
  private static Path policy;

  private final TaskFamilies families =
      new TaskFamilies(
          List.of(new ParityFamily("even_a"), new ParityFamily("even_b"), new ParityFamily("far")));

  @BeforeAll
  static void writePolicy() throws Exception {
    policy = EmbeddedDefault.write(shared.resolve("plain"), 3);
  }

  private EvaluateJob.Config config(int samples, Shard shard) {
    Map<String, String> policies = new LinkedHashMap<>();
    policies.put("a", policy.toString());
    return EvaluateJob.Config.builder(policies)
        .samples(samples)
        .maxNewTokens(6)
        .shard(shard)
        .build();
  }

  private EvaluationCounts counts(
      int samples, Shard shard, List<Problem> heldOut, Map<String, List<Problem>> ood)
      throws Exception {
    EvaluationCounts c =
        EvaluateJob.counts(config(samples, shard), heldOut, ood, families, m -> {});
    // through the file a shard stores and the merge task reads
    Path file = tmp.resolve("counts-" + samples + "-" + shard.index() + "-" + shard.count());
    c.write(file);
    return EvaluationCounts.read(file);
  }

  @Test
  void shardsMergedGiveTheUnshardedReportToTheLastDigit() throws Exception {
    List<Problem> heldOut = new ArrayList<>(families.generate("even_a", Map.of(), 1, 21));
    heldOut.addAll(families.generate("even_b", Map.of(), 1, 7));
    Map<String, List<Problem>> ood = Map.of("far", families.generate("far", Map.of(), 1, 9));
    // 16 samples: 4 problems per batch; 24 samples: 2 problems per batch (64 / 24), and a batch
    // does not fill 64 sequences; 3 and 4 shards cut sets at different batch boundaries
    for (int samples : new int[] {16, 24}) {
      EvaluateJob.Report whole = EvaluateJob.report(counts(samples, Shard.WHOLE, heldOut, ood));
      for (int shards : new int[] {3, 4}) {
        List<EvaluationCounts> parts = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
          parts.add(counts(samples, new Shard(i, shards), heldOut, ood));
        }
        Collections.reverse(parts); // any order
        EvaluateJob.Report merged = EvaluateJob.report(EvaluationCounts.merge(parts));
        assertThat(Json.MAPPER.writeValueAsString(merged))
            .as("%d samples, %d shards", samples, shards)
            .isEqualTo(Json.MAPPER.writeValueAsString(whole));
      }
      // pass@k at several k, per family and per set, all there to compare
      assertThat(whole.ks()).hasSizeGreaterThan(3);
      assertThat(whole.policies().get(0).perFamily()).containsOnlyKeys("even_a", "even_b");
    }
  }

  @Test
  void aMergeRefusesMissingDuplicatedOrForeignShards() throws Exception {
    List<Problem> heldOut = families.generate("even_a", Map.of(), 1, 8);
    Map<String, List<Problem>> ood = Map.of();
    EvaluationCounts s0 = counts(16, new Shard(0, 2), heldOut, ood);
    EvaluationCounts s1 = counts(16, new Shard(1, 2), heldOut, ood);
    EvaluationCounts other = counts(8, new Shard(1, 2), heldOut, ood);

    assertThatThrownBy(() -> EvaluationCounts.merge(List.of(s0)))
        .hasMessage("counts: 1 shards given, but they are shards of 2");
    assertThatThrownBy(() -> EvaluationCounts.merge(List.of(s0, s0)))
        .hasMessage("shard 0 of 2: given twice");
    assertThatThrownBy(() -> EvaluationCounts.merge(List.of(s0, other)))
        .hasMessageStartingWith("shard 1 of 2: another evaluation");
    assertThatThrownBy(() -> EvaluateJob.report(s1))
        .hasMessage("counts of shard 1 of 2: merge every shard's counts first");
    Path notCounts = tmp.resolve("not-counts.json");
    java.nio.file.Files.writeString(notCounts, "{\"samples\": 0}");
    assertThatThrownBy(() -> EvaluationCounts.read(notCounts))
        .hasMessageStartingWith(notCounts + ": not an evaluation counts file: ")
        .hasMessageContaining("samples");
    assertThatThrownBy(() -> new Shard(2, 2))
        .hasMessage("shard: need 0 <= shardIndex < shardCount, got shardIndex=2 shardCount=2");
  }
}
