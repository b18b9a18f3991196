package io.prorl.tasks;

import java.util.SplittableRandom;

/**
 * Per-problem random streams: problem {@code index} of family {@code f} under {@code seed} always
 * gets the same stream, independent of how many problems were generated before it.
 */
public final class Seeds {
  private Seeds() {}

  public static SplittableRandom forProblem(String family, long seed, int index) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ family.hashCode());
    h = mix(h ^ index);
    return new SplittableRandom(h);
  }

  /**
   * The seed of child stream {@code child} of the stream seeded {@code parent} (a phase of a run, a
   * step of a phase, a sampling round of a step, a sequence of a batch):
   *
   * <pre>
   *   derive(parent, child) = mix(mix(parent + GOLDEN) ^ mix(child ^ DOMAIN))
   * </pre>
   *
   * Additive derivations ({@code seed * K + child}) give neighbouring children streams that are one
   * stream shifted: {@code SplittableRandom(s)} draws {@code mix(s + k * GOLDEN)}, so seeds that
   * differ by a multiple of GOLDEN (or, through a shared counter, by a step) replay each other's
   * draws. Through the avalanche mix, neighbouring children land on unrelated points of the 2^64
   * cycle. Same parent and child, same seed: "same seed, same samples" holds.
   */
  public static long derive(long parent, long child) {
    return mix(mix(parent + 0x9E3779B97F4A7C15L) ^ mix(child ^ 0xD1B54A32D192ED03L));
  }

  /** A stable id: family, seed and index. */
  public static String problemId(String family, long seed, int index) {
    return String.format("%s-s%d-%06d", family, seed, index);
  }

  /** SplitMix64's finaliser: a bijective avalanche mix of 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
