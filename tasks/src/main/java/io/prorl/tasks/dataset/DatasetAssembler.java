package io.prorl.tasks.dataset;

import io.prorl.tasks.InvalidProblemException;
import io.prorl.tasks.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Turns pools of problems (generated sets, JSONL files) into a training set and a validation set,
 * in two stages so a difficulty filter can run between them:
 *
 * <ol>
 *   <li>{@link #clean}: drop anything that matches an evaluation problem (exact normalized prompt,
 *       or an n-gram near-copy, see {@link NgramOverlap}) and duplicates of an earlier prompt;
 *   <li>{@link #mixAndSplit}: the weighted mix of the pools ({@link Mix}), a seeded shuffle and the
 *       train/validation split.
 * </ol>
 *
 * Pure and deterministic: the same inputs and seed give the same lists in the same order.
 */
public final class DatasetAssembler {

  /** The default share of the kept problems held out for validation. */
  public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

  /**
   * @param validationFraction share of the kept problems that goes to validation, in [0, 1)
   * @param seed the shuffle (and the mix's draws)
   * @param decontamination the n-gram near-copy rule
   */
  public record Config(double validationFraction, long seed, Decontamination decontamination) {
    public Config {
      List<String> bad = violations(validationFraction);
      if (!bad.isEmpty()) {
        throw new IllegalArgumentException(bad.get(0));
      }
      decontamination = decontamination == null ? Decontamination.DEFAULTS : decontamination;
    }

    public Config(double validationFraction, long seed) {
      this(validationFraction, seed, Decontamination.DEFAULTS);
    }

    /** The rule of {@code validationFraction}. */
    public static List<String> violations(double validationFraction) {
      return validationFraction >= 0 && validationFraction < 1
          ? List.of()
          : List.of("validationFraction must lie in [0, 1), got " + validationFraction);
    }
  }

  /** What one family lost while cleaning, and why. */
  public record Removed(int duplicates, int exactOverlap, int ngramOverlap) {
    Removed plus(Removed o) {
      return new Removed(
          duplicates + o.duplicates, exactOverlap + o.exactOverlap, ngramOverlap + o.ngramOverlap);
    }
  }

  /** The pools after cleaning, what each family lost and the n-gram matches found. */
  public record Cleaned(
      List<Pool> pools,
      int input,
      Map<String, Removed> removedPerFamily,
      List<NgramOverlap.Match> ngramMatches) {}

  /** The split and what was removed on the way. */
  public record Assembled(
      List<Problem> train,
      List<Problem> validation,
      int input,
      int duplicatesRemoved,
      int evaluationOverlapRemoved,
      Map<String, Integer> trainPerFamily,
      Map<String, Integer> validationPerFamily,
      Map<String, Map<String, Integer>> trainPerDifficulty,
      Map<String, Map<String, Integer>> validationPerDifficulty,
      Map<String, Removed> removedPerFamily,
      List<NgramOverlap.Match> ngramMatches,
      List<Mix.Share> mix) {}

  private DatasetAssembler() {}

  /** One unweighted pool, cleaned, mixed and split. */
  public static Assembled assemble(
      List<Problem> problems, Collection<Problem> evaluationSets, Config config) {
    return assemblePools(List.of(Pool.of("problems", problems)), evaluationSets, config);
  }

  public static Assembled assemblePools(
      List<Pool> pools, Collection<Problem> evaluationSets, Config config) {
    return mixAndSplit(clean(pools, evaluationSets, config.decontamination()), config);
  }

  /** Stage 1: evaluation overlap (exact, then n-gram) and duplicates out, pool by pool. */
  public static Cleaned clean(
      List<Pool> pools, Collection<Problem> evaluationSets, Decontamination decontamination) {
    Set<String> evaluation = new HashSet<>();
    evaluationSets.forEach(p -> evaluation.add(promptKey(p.prompt())));
    List<Problem> candidates = new ArrayList<>();
    pools.forEach(p -> candidates.addAll(p.problems()));
    NgramOverlap ngrams = new NgramOverlap(decontamination, candidates, evaluationSets);
    Set<String> seen = new HashSet<>();
    Map<String, String> poolOfId = new HashMap<>();
    Map<String, Removed> removed = new TreeMap<>();
    List<NgramOverlap.Match> matches = new ArrayList<>();
    List<Pool> out = new ArrayList<>();
    for (Pool pool : pools) {
      List<Problem> kept = new ArrayList<>();
      for (Problem p : pool.problems()) {
        String key = promptKey(p.prompt());
        Optional<NgramOverlap.Match> near = Optional.empty();
        Removed why = null;
        if (evaluation.contains(key)) {
          why = new Removed(0, 1, 0);
        } else if ((near = ngrams.nearCopy(p)).isPresent()) {
          why = new Removed(0, 0, 1);
          matches.add(near.get());
        } else if (!seen.add(key)) {
          why = new Removed(1, 0, 0);
        }
        if (why == null) {
          // pass@k groups completions by problem id: two problems must never share one
          String first = poolOfId.putIfAbsent(p.id(), pool.name());
          if (first != null) {
            throw new InvalidProblemException(
                "problem id '"
                    + p.id()
                    + "' names two different problems, in "
                    + first
                    + " and in "
                    + pool.name()
                    + ": ids must be unique across the dataset's sources");
          }
          kept.add(p);
        } else {
          removed.merge(p.family(), why, Removed::plus);
        }
      }
      out.add(pool.withProblems(kept));
    }
    return new Cleaned(out, candidates.size(), removed, matches);
  }

  /** Stage 2: the weighted mix, a seeded shuffle, the split, counts per family and difficulty. */
  public static Assembled mixAndSplit(Cleaned cleaned, Config config) {
    Mix.Mixed mixed = Mix.apply(cleaned.pools(), config.seed());
    List<Problem> kept = new ArrayList<>(mixed.problems());
    shuffle(kept, new SplittableRandom(config.seed()));
    int validationCount = (int) Math.round(kept.size() * config.validationFraction());
    List<Problem> validation = List.copyOf(kept.subList(0, validationCount));
    List<Problem> train = List.copyOf(kept.subList(validationCount, kept.size()));
    DifficultyCounts difficulties = new DifficultyCounts(kept);
    Removed total =
        cleaned.removedPerFamily().values().stream().reduce(new Removed(0, 0, 0), Removed::plus);
    return new Assembled(
        train,
        validation,
        cleaned.input(),
        total.duplicates(),
        total.exactOverlap() + total.ngramOverlap(),
        DifficultyCounts.perFamily(train),
        DifficultyCounts.perFamily(validation),
        difficulties.count(train),
        difficulties.count(validation),
        cleaned.removedPerFamily(),
        cleaned.ngramMatches(),
        mixed.shares());
  }

  /**
   * sha256 of the prompt lower-cased with runs of whitespace collapsed: two prompts that differ
   * only in case or spacing are the same problem.
   */
  public static String promptKey(String prompt) {
    String normalized = prompt.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fisher-Yates with the given generator. */
  static void shuffle(List<Problem> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Problem t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }
}
