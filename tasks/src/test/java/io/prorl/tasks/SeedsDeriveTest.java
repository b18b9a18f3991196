package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Derived streams share no shifted run of draws: the engine seeds a run's phases, a phase's steps,
 * a step's sampling rounds, an evaluation's batches and a batch's sequences with {@link
 * Seeds#derive}, and neighbouring seeds, rounds, batches and steps must draw unrelated numbers.
 */
class SeedsDeriveTest {
  private static final int DRAWS = 2_000;

  /** Where each 64-bit draw first appeared: stream name and position. */
  private static Map<Long, String> draws(Map<String, Long> seeds) {
    Map<Long, String> seen = new HashMap<>();
    List<String> collisions = new ArrayList<>();
    seeds.forEach((name, seed) -> {
      SplittableRandom rng = new SplittableRandom(seed);
      for (int k = 0; k < DRAWS; k++) {
        long x = rng.nextLong();
        String before = seen.putIfAbsent(x, name + "#" + k);
        if (before != null) {
          collisions.add(name + "#" + k + " = " + before);
        }
      }
    });
    assertThat(collisions).as("draws shared between streams").isEmpty();
    return seen;
  }

  @Test
  void neighbouringSeedsRoundsBatchesStepsAndSequencesDrawUnrelatedStreams() {
    // the engine's tree: run seed -> phase -> step -> round -> sequence, and evaluation batches
    Map<String, Long> seeds = new HashMap<>();
    for (long run = 41; run <= 42; run++) {
      for (int phase = 0; phase < 2; phase++) {
        long p = Seeds.derive(run, phase);
        for (int step = 1; step <= 3; step++) {
          long s = Seeds.derive(p, step);
          for (int round = 0; round < 2; round++) {
            long r = Seeds.derive(s, round);
            for (int seq = 0; seq < 4; seq++) {
              seeds.put(
                  "run" + run + "/phase" + phase + "/step" + step + "/round" + round + "/seq" + seq,
                  Seeds.derive(r, seq));
            }
          }
        }
      }
      for (int batch = 0; batch < 4; batch++) {
        long b = Seeds.derive(run, batch * 64L);
        for (int seq = 0; seq < 4; seq++) {
          seeds.put("run" + run + "/batch" + batch + "/seq" + seq, Seeds.derive(b, seq));
        }
      }
    }
    assertThat(new HashSet<>(seeds.values())).hasSize(seeds.size());
    assertThat(draws(seeds)).hasSize(seeds.size() * DRAWS);
  }

  @Test
  void theAdditiveDerivationItReplacesReplayedItsNeighbour() {
    // the old rule seeded sequence b with seed * GOLDEN + b: seed S + 1 drew seed S's stream,
    // shifted
    long golden = 0x9E3779B97F4A7C15L;
    SplittableRandom s = new SplittableRandom(41 * golden);
    SplittableRandom next = new SplittableRandom(42 * golden);
    s.nextLong();
    assertThat(next.nextLong()).isEqualTo(s.nextLong());
    Set<Long> derived = new HashSet<>();
    SplittableRandom a = new SplittableRandom(Seeds.derive(41, 0));
    for (int k = 0; k < DRAWS; k++) {
      derived.add(a.nextLong());
    }
    SplittableRandom b = new SplittableRandom(Seeds.derive(42, 0));
    for (int k = 0; k < DRAWS; k++) {
      assertThat(derived).doesNotContain(b.nextLong());
    }
  }

  @Test
  void sameParentAndChildSameSeed() {
    assertThat(Seeds.derive(7, 3)).isEqualTo(Seeds.derive(7, 3)).isNotEqualTo(Seeds.derive(7, 4));
  }
}
