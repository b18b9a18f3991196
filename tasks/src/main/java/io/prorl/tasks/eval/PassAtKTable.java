package io.prorl.tasks.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects (problem, family, correct) outcomes and reports the mean unbiased pass@k over problems,
 * overall and per family. Every problem must have at least max(k) completions.
 */
public final class PassAtKTable {
  private final Map<String, String> familyOf = new LinkedHashMap<>();
  private final Map<String, int[]> countsOf = new LinkedHashMap<>();

  /** Records one completion of {@code problemId}. */
  public void add(String problemId, String family, boolean correct) {
    familyOf.putIfAbsent(problemId, family);
    int[] nc = countsOf.computeIfAbsent(problemId, id -> new int[2]);
    nc[0]++;
    nc[1] += correct ? 1 : 0;
  }

  /**
   * Records {@code n} completions of {@code problemId} at once, {@code c} of them correct: the same
   * table as {@code n} calls of {@link #add}.
   */
  public void addCounts(String problemId, String family, int n, int c) {
    if (n < 0 || c < 0 || c > n) {
      throw new IllegalArgumentException(
          "problem " + problemId + ": counts need 0 <= c <= n, got n=" + n + " c=" + c);
    }
    familyOf.putIfAbsent(problemId, family);
    int[] nc = countsOf.computeIfAbsent(problemId, id -> new int[2]);
    nc[0] += n;
    nc[1] += c;
  }

  public int problems() {
    return countsOf.size();
  }

  /** k -> mean pass@k over all problems. */
  public Map<Integer, Double> overall(List<Integer> ks) {
    return mean(new ArrayList<>(countsOf.keySet()), ks);
  }

  /** family -> k -> mean pass@k over the family's problems, families sorted by name. */
  public Map<String, Map<Integer, Double>> perFamily(List<Integer> ks) {
    Map<String, List<String>> byFamily = new TreeMap<>();
    familyOf.forEach((id, f) -> byFamily.computeIfAbsent(f, x -> new ArrayList<>()).add(id));
    Map<String, Map<Integer, Double>> out = new LinkedHashMap<>();
    byFamily.forEach((f, ids) -> out.put(f, mean(ids, ks)));
    return out;
  }

  private Map<Integer, Double> mean(List<String> ids, List<Integer> ks) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int k : ks) {
      double sum = 0;
      for (String id : ids) {
        int[] nc = countsOf.get(id);
        if (nc[0] < k) {
          throw new IllegalArgumentException(
              "problem " + id + " has " + nc[0] + " completions, fewer than k=" + k);
        }
        sum += PassAtK.estimate(nc[0], nc[1], k);
      }
      out.put(k, ids.isEmpty() ? Double.NaN : sum / ids.size());
    }
    return out;
  }
}
