package io.prorl.tasks.dataset;

import io.prorl.tasks.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Turns problems from several sources into a training set and a validation set: dedupe by
 * normalized prompt, drop anything that also appears in an evaluation set, seeded shuffle, split.
 * Pure and deterministic: the same inputs and seed give the same lists in the same order.
 */
public final class DatasetAssembler {

  /**
   * @param validationFraction share of the kept problems that goes to validation, in [0, 1)
   * @param seed the shuffle
   */
  public record Config(double validationFraction, long seed) {
    public Config {
      if (!(validationFraction >= 0 && validationFraction < 1)) {
        throw new IllegalArgumentException(
            "validationFraction must lie in [0, 1), got " + validationFraction);
      }
    }
  }

  /** The split and what was removed on the way. */
  public record Assembled(
      List<Problem> train,
      List<Problem> validation,
      int input,
      int duplicatesRemoved,
      int evaluationOverlapRemoved,
      Map<String, Integer> trainPerFamily,
      Map<String, Integer> validationPerFamily) {}

  private DatasetAssembler() {}

  public static Assembled assemble(
      List<Problem> problems, Collection<Problem> evaluationSets, Config config) {
    Set<String> evaluation = new HashSet<>();
    evaluationSets.forEach(p -> evaluation.add(promptKey(p.prompt())));
    Set<String> seen = new HashSet<>();
    List<Problem> kept = new ArrayList<>();
    int duplicates = 0;
    int overlap = 0;
    for (Problem p : problems) {
      String key = promptKey(p.prompt());
      if (evaluation.contains(key)) {
        overlap++;
      } else if (!seen.add(key)) {
        duplicates++;
      } else {
        kept.add(p);
      }
    }
    shuffle(kept, new SplittableRandom(config.seed()));
    int validationCount = (int) Math.round(kept.size() * config.validationFraction());
    List<Problem> validation = List.copyOf(kept.subList(0, validationCount));
    List<Problem> train = List.copyOf(kept.subList(validationCount, kept.size()));
    return new Assembled(
        train,
        validation,
        problems.size(),
        duplicates,
        overlap,
        perFamily(train),
        perFamily(validation));
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
  private static void shuffle(List<Problem> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Problem t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  private static Map<String, Integer> perFamily(List<Problem> problems) {
    Map<String, Integer> out = new TreeMap<>();
    problems.forEach(p -> out.merge(p.family(), 1, Integer::sum));
    return out;
  }
}
