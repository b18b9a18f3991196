package io.prorl.tasks.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * How training problems are kept apart from evaluation problems: an exact normalized-prompt match
 * always removes; beyond that, a problem is removed when more than {@code ngramOverlap} of its
 * problem-specific word n-grams (window {@code ngramSize}) appear in one evaluation problem (see
 * {@link NgramOverlap}).
 *
 * @param ngramSize n, the window in words
 * @param ngramOverlap the share of a training problem's specific n-grams, found in one evaluation
 *     problem, above which it is removed; 1 turns n-gram decontamination off
 */
public record Decontamination(int ngramSize, double ngramOverlap) {

  /** Eight words: about four graph edges or two arithmetic terms with their operators. */
  public static final int DEFAULT_NGRAM_SIZE = 8;

  /** Over half of the specific text shared with one evaluation problem: a near-copy. */
  public static final double DEFAULT_NGRAM_OVERLAP = 0.5;

  /**
   * An n-gram found in more than this share of a family's prompts is template text, not problem
   * text, and is ignored.
   */
  public static final double TEMPLATE_SHARE = 0.1;

  public static final Decontamination DEFAULTS =
      new Decontamination(DEFAULT_NGRAM_SIZE, DEFAULT_NGRAM_OVERLAP);

  public Decontamination {
    List<String> bad = violations(ngramSize, ngramOverlap);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /** The rules, each message naming the property. */
  public static List<String> violations(double ngramSize, double ngramOverlap) {
    List<String> out = new ArrayList<>();
    if (!(ngramSize >= 1 && ngramSize <= 64 && ngramSize == Math.rint(ngramSize))) {
      out.add("ngramSize must be an integer in [1, 64], got " + ngramSize);
    }
    if (!(ngramOverlap > 0 && ngramOverlap <= 1)) {
      out.add("ngramOverlap must lie in (0, 1], got " + ngramOverlap);
    }
    return out;
  }
}
