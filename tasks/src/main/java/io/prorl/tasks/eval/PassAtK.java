package io.prorl.tasks.eval;

/** The unbiased pass@k estimator of Chen et al. (2021), as used by ProRL's evaluation. */
public final class PassAtK {
  private PassAtK() {}

  /**
   * pass@k = 1 - C(n - c, k) / C(n, k): the chance that at least one of k completions drawn without
   * replacement from n (c of them correct) is correct. Computed as 1 - prod_{i=n-c+1}^{n} (1 - k/i)
   * so that no binomial coefficient overflows.
   *
   * @param n completions sampled for the problem
   * @param c completions that were correct
   * @param k the k of pass@k, at most n
   */
  public static double estimate(int n, int c, int k) {
    if (n < 1 || c < 0 || c > n) {
      throw new IllegalArgumentException("need n >= 1 and 0 <= c <= n, got n=" + n + ", c=" + c);
    }
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must lie in [1, n=" + n + "], got " + k);
    }
    if (n - c < k) {
      return 1.0;
    }
    double allWrong = 1.0;
    for (int i = n - c + 1; i <= n; i++) {
      allWrong *= 1.0 - (double) k / i;
    }
    return 1.0 - allWrong;
  }
}
