package io.prorl.engine.job;

import io.prorl.engine.boundary.BoundaryHistory;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.report.ArmCurvesChart;
import io.prorl.engine.report.BoundaryChart;
import io.prorl.engine.report.BoundaryPoint;
import io.prorl.engine.report.ResetMarker;
import io.prorl.engine.report.StepPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The ablation's report: the five claims of ProRL checked on the arms' boundary histories and step
 * metrics, each with its numbers per seed, mean and spread, and a verdict by one rule fixed before
 * any arm ran:
 *
 * <pre>
 *   d_s = (what the claim says is larger) - (what it says is smaller), for each seed s
 *   holds            d_s > 0 for every seed
 *   does not hold    d_s <= 0 for every seed
 *   inconclusive     the seeds disagree
 * </pre>
 *
 * Arms: {@link #ARMS}, run {@code <runId>-<arm>-s<seed>} each ({@link #armRunId}); the base's
 * boundary is in the ablation's own run {@code runId}.
 */
public final class AblationReportJob {
  public static final String PRORL = "prorl";
  public static final String NO_RESET = "noReset";
  public static final String SYMMETRIC = "symmetric";
  public static final String NO_KL = "noKl";
  public static final List<String> ARMS = List.of(PRORL, NO_RESET, SYMMETRIC, NO_KL);
  public static final String MARKDOWN = "ABLATION.md";
  public static final String BOUNDARY_PNG = "ablation-boundary.png";
  public static final String CURVES_PNG = "ablation-curves.png";

  private AblationReportJob() {}

  /** The run of one arm and seed: {@code <runId>-<arm>-s<seed>}. */
  public static String armRunId(String runId, String arm, long seed) {
    return runId + "-" + arm + "-s" + seed;
  }

  /**
   * @param markdown the report
   * @param verdicts claim -> holds / does not hold / inconclusive
   */
  public record Result(
      Path markdown, Path boundaryPng, Path curvesPng, Map<String, String> verdicts) {}

  /** One arm run: its boundary entries by checkpoint label, in order, and its step curves. */
  record ArmRun(
      String arm,
      long seed,
      Map<String, List<BoundaryHistory.Entry>> boundary,
      RunReportJob.Curves curves) {

    /** The entries of the last evaluated checkpoint. */
    List<BoundaryHistory.Entry> last() {
      List<List<BoundaryHistory.Entry>> all = new ArrayList<>(boundary.values());
      return all.isEmpty() ? List.of() : all.getLast();
    }

    /**
     * The run step a checkpoint's entries stand at: the last step its phase logged. (An entry's own
     * step counts within its phase, so phases of different lengths cannot be compared by it.) 0 for
     * the base or a phase without logged steps.
     */
    int runStep(List<BoundaryHistory.Entry> entries) {
      Integer phase = entries.getFirst().phase();
      return phase == null
          ? 0
          : curves.steps().stream()
              .filter(p -> p.phase() == phase)
              .mapToInt(StepPoint::globalStep)
              .max()
              .orElse(0);
    }

    /** The phase-end entries whose run step is nearest {@code step} (base excluded). */
    List<BoundaryHistory.Entry> nearest(int step) {
      List<BoundaryHistory.Entry> best = last();
      int bestStep = runStep(best);
      for (List<BoundaryHistory.Entry> es : boundary.values()) {
        int s = runStep(es);
        if (s > 0 && Math.abs(s - step) < Math.abs(bestStep - step)) {
          best = es;
          bestStep = s;
        }
      }
      return best;
    }
  }

  /**
   * Reads every arm run, writes {@value #MARKDOWN} and the two figures into {@code outDir}.
   *
   * @param runSteps every arm run's step budget (for the 25% and 50% checkpoints)
   * @param producedBy the command and date that produced the report, quoted at its top
   */
  public static Result run(
      CheckpointStore store,
      String runId,
      List<Long> seeds,
      int runSteps,
      String producedBy,
      Path outDir,
      Consumer<String> log)
      throws IOException {
    List<BoundaryHistory.Entry> base =
        BoundaryHistory.read(store, runId).entries().stream()
            .filter(e -> "base".equals(e.label()))
            .toList();
    if (base.isEmpty()) {
      throw new IllegalArgumentException(
          "run " + runId + " has no boundary of its base: evaluate the base first (baseBoundary)");
    }
    Map<String, List<ArmRun>> arms = new LinkedHashMap<>();
    for (String arm : ARMS) {
      List<ArmRun> runs = new ArrayList<>();
      for (long seed : seeds) {
        String id = armRunId(runId, arm, seed);
        Map<String, List<BoundaryHistory.Entry>> byLabel = new LinkedHashMap<>();
        for (BoundaryHistory.Entry e : BoundaryHistory.read(store, id).entries()) {
          byLabel.computeIfAbsent(e.label(), l -> new ArrayList<>()).add(e);
        }
        RunReportJob.Curves curves = RunReportJob.curves(store, id);
        if (byLabel.isEmpty() || curves.steps().isEmpty()) {
          throw new IllegalArgumentException(
              "arm " + arm + ", seed " + seed + ": run " + id + " has no boundary or no steps");
        }
        runs.add(new ArmRun(arm, seed, byLabel, curves));
      }
      arms.put(arm, runs);
      log.accept("ablation report: arm " + arm + ", " + runs.size() + " seeds read");
    }
    Files.createDirectories(outDir);
    AblationClaims claims = new AblationClaims(base, arms, seeds, runSteps);
    Path boundaryPng =
        new BoundaryChart()
            .writePng(
                outDir.resolve(BOUNDARY_PNG),
                "Final checkpoint of each arm (mean over " + seeds.size() + " seeds) vs the base",
                boundaryPoints(base, arms));
    Map<String, List<StepPoint>> curves = new LinkedHashMap<>();
    arms.forEach((arm, runs) -> curves.put(arm, meanCurve(runs)));
    Path curvesPng =
        new ArmCurvesChart()
            .writePng(
                outDir.resolve(CURVES_PNG),
                "Arms per step (mean over " + seeds.size() + " seeds)",
                curves);
    Path markdown = outDir.resolve(MARKDOWN);
    Files.writeString(markdown, claims.markdown(producedBy, BOUNDARY_PNG, CURVES_PNG));
    log.accept("ablation report: " + claims.verdicts());
    return new Result(markdown, boundaryPng, curvesPng, claims.verdicts());
  }

  /** The base and each arm's final checkpoint (pass@k averaged over seeds) per set. */
  private static List<BoundaryPoint> boundaryPoints(
      List<BoundaryHistory.Entry> base, Map<String, List<ArmRun>> arms) {
    List<BoundaryPoint> out = new ArrayList<>();
    for (BoundaryHistory.Entry e : base) {
      e.passAtK()
          .forEach(
              (k, v) -> out.add(new BoundaryPoint("base", e.set(), e.outOfDistribution(), k, v)));
    }
    arms.forEach((arm, runs) -> {
      Map<String, Map<Integer, double[]>> sums = new LinkedHashMap<>();
      Map<String, Boolean> ood = new LinkedHashMap<>();
      for (ArmRun r : runs) {
        for (BoundaryHistory.Entry e : r.last()) {
          ood.put(e.set(), e.outOfDistribution());
          e.passAtK()
              .forEach((k, v) -> {
                double[] s =
                    sums.computeIfAbsent(e.set(), x -> new TreeMap<>())
                        .computeIfAbsent(k, x -> new double[2]);
                s[0] += v;
                s[1]++;
              });
        }
      }
      sums.forEach((set, byK) ->
          byK.forEach(
              (k, s) -> out.add(new BoundaryPoint(arm, set, ood.get(set), k, s[0] / s[1]))));
    });
    return out;
  }

  /**
   * The arm's curve: at each global step, the mean of every figure over the seeds that logged it.
   */
  static List<StepPoint> meanCurve(List<ArmRun> runs) {
    Map<Integer, List<StepPoint>> byStep = new TreeMap<>();
    for (ArmRun r : runs) {
      for (StepPoint p : r.curves().steps()) {
        byStep.computeIfAbsent(p.globalStep(), s -> new ArrayList<>()).add(p);
      }
    }
    List<StepPoint> out = new ArrayList<>();
    byStep.forEach((step, ps) ->
        out.add(
            new StepPoint(
                step,
                ps.getFirst().phase(),
                mean(ps, StepPoint::rewardMean),
                mean(ps, StepPoint::accuracy),
                mean(ps, StepPoint::entropy),
                mean(ps, StepPoint::kl),
                mean(ps, StepPoint::clipFractionLow),
                mean(ps, StepPoint::clipFractionHigh),
                mean(ps, StepPoint::responseLengthMean),
                mean(ps, StepPoint::keptFraction),
                mean(ps, StepPoint::surrogateGain),
                mean(ps, StepPoint::validation))));
    return out;
  }

  /** Mean over the points that have the figure (NaN when none has it). */
  static double mean(List<StepPoint> ps, ToDoubleFunction<StepPoint> f) {
    double sum = 0;
    int n = 0;
    for (StepPoint p : ps) {
      double v = f.applyAsDouble(p);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The resets of a run, for the KL-after-reset figure. */
  static List<ResetMarker> resets(ArmRun r) {
    return r.curves().resets();
  }
}
