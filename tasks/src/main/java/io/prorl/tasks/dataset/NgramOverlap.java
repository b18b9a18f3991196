package io.prorl.tasks.dataset;

import io.prorl.tasks.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Near-copies of evaluation problems, by word n-grams over the problem-specific part of the text.
 *
 * <p>Generated prompts share long templates ("Color the vertices of this undirected graph ..."), so
 * whole-prompt n-grams would match nearly every pair of one family. The template is found by
 * document frequency: a word n-gram that appears in more than {@link
 * Decontamination#TEMPLATE_SHARE} of a family's prompts (training candidates and evaluation
 * problems together) is template and ignored. This needs no per-family code, so it works the same
 * for generated families and for JSONL files of any origin; its limit is a family with only a few
 * prompts, where every shared n-gram looks like template (exact matches are still removed).
 *
 * <pre>
 *   specific(p)  = ngrams_n(words(p)) \ template(family(p))
 *   overlap(t)   = max over evaluation problems e of |specific(t) ∩ ngrams_n(e)| / |specific(t)|
 *   removed      iff overlap(t) > ngramOverlap
 * </pre>
 */
public final class NgramOverlap {

  /** A training problem that is a near-copy of an evaluation problem. */
  public record Match(String problemId, String evaluationId, double share) {}

  /**
   * A word or a number. Symbols are left out: as tokens, the brackets and commas of an edge list
   * "(0, 1), (0, 2)" made windows of different graphs look alike (measured: 5x the false matches).
   */
  private static final Pattern TOKEN = Pattern.compile("\\p{L}+|\\p{N}+");

  private final Decontamination config;
  private final List<Problem> evaluation;
  private final Map<String, List<Integer>> index = new HashMap<>();
  private final Map<String, Set<String>> template = new HashMap<>();

  /**
   * @param candidates every training candidate (to learn each family's template)
   */
  public NgramOverlap(
      Decontamination config, Collection<Problem> candidates, Collection<Problem> evaluation) {
    this.config = config;
    this.evaluation = List.copyOf(evaluation);
    Map<String, Map<String, Integer>> df = new HashMap<>();
    Map<String, Integer> prompts = new HashMap<>();
    List<Problem> all = new ArrayList<>(candidates);
    all.addAll(evaluation);
    for (Problem p : all) {
      prompts.merge(p.family(), 1, Integer::sum);
      Map<String, Integer> counts = df.computeIfAbsent(p.family(), f -> new HashMap<>());
      ngrams(p.prompt()).forEach(g -> counts.merge(g, 1, Integer::sum));
    }
    df.forEach((family, counts) -> {
      double limit = Decontamination.TEMPLATE_SHARE * prompts.get(family);
      Set<String> t = new HashSet<>();
      counts.forEach((g, n) -> {
        if (n > limit) {
          t.add(g);
        }
      });
      template.put(family, t);
    });
    for (int i = 0; i < this.evaluation.size(); i++) {
      for (String g : ngrams(this.evaluation.get(i).prompt())) {
        index.computeIfAbsent(g, x -> new ArrayList<>()).add(i);
      }
    }
  }

  /** The evaluation problem sharing the largest share of {@code p}'s specific n-grams, if over. */
  public Optional<Match> nearCopy(Problem p) {
    Set<String> specific = specific(p);
    if (specific.isEmpty() || config.ngramOverlap() >= 1) {
      return Optional.empty();
    }
    Map<Integer, Integer> hits = new HashMap<>();
    for (String g : specific) {
      for (int e : index.getOrDefault(g, List.of())) {
        hits.merge(e, 1, Integer::sum);
      }
    }
    int best = -1;
    int bestHits = 0;
    for (Map.Entry<Integer, Integer> h : hits.entrySet()) {
      if (h.getValue() > bestHits || (h.getValue() == bestHits && h.getKey() < best)) {
        best = h.getKey();
        bestHits = h.getValue();
      }
    }
    double share = (double) bestHits / specific.size();
    return share > config.ngramOverlap()
        ? Optional.of(new Match(p.id(), evaluation.get(best).id(), share))
        : Optional.empty();
  }

  /** The problem-specific n-grams of {@code p}: its n-grams less its family's template. */
  Set<String> specific(Problem p) {
    Set<String> out = ngrams(p.prompt());
    out.removeAll(template.getOrDefault(p.family(), Set.of()));
    return out;
  }

  /** The distinct word n-grams of a text; words are runs of letters and digits, lower-cased. */
  Set<String> ngrams(String text) {
    List<String> w = new ArrayList<>();
    Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      w.add(m.group());
    }
    Set<String> out = new LinkedHashSet<>();
    int n = config.ngramSize();
    for (int i = 0; i + n <= w.size(); i++) {
      out.add(String.join(" ", w.subList(i, i + n)));
    }
    return out;
  }
}
