package io.prorl.engine.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes both charts from synthetic but realistic data into the folder given as the argument:
 * {@code boundary.png} (4 checkpoints x 5 sets, one pass@k missing) and {@code training-curves.png}
 * (60 steps over 3 phases, resets on a plateau and on the KL limit). For looking at the charts
 * without a training run.
 */
public final class ChartDemo {

  private ChartDemo() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ChartDemo <output folder>");
      System.exit(2);
    }
    Path folder = Path.of(args[0]);
    Path boundary =
        new BoundaryChart()
            .writePng(
                folder.resolve("boundary.png"),
                "pass@k per family, T=0.6, top-p 0.95, n=16",
                boundaryPoints());
    Path curves =
        new TrainingCurvesChart()
            .writePng(
                folder.resolve("training-curves.png"),
                "ProRL quickstart: 60 steps in 3 phases",
                stepPoints(),
                List.of(new ResetMarker(21, "PLATEAU"), new ResetMarker(41, "KL_LIMIT")));
    System.out.println(boundary.toAbsolutePath());
    System.out.println(curves.toAbsolutePath());
  }

  /** pass@k = 1 - (1 - p)^k damped by a ceiling: what a set with per-sample success p gives. */
  static List<BoundaryPoint> boundaryPoints() {
    String[] checkpoints = {"base", "phase-0001", "phase-0002", "phase-0003"};
    String[] sets = {"graph_color", "countdown", "arithmetic", "boxnet", "graph_color 8 vertices"};
    boolean[] outOfDistribution = {false, false, false, true, true};
    double[][] passAt1 = {
      {0.12, 0.30, 0.41, 0.47},
      {0.08, 0.17, 0.24, 0.29},
      {0.35, 0.55, 0.63, 0.66},
      {0.03, 0.05, 0.07, 0.10},
      {0.02, 0.06, 0.09, 0.12}
    };
    double[][] ceiling = {
      {0.80, 0.88, 0.92, 0.95},
      {0.55, 0.62, 0.70, 0.74},
      {0.97, 0.98, 0.98, 0.99},
      {0.30, 0.34, 0.40, 0.47},
      {0.35, 0.42, 0.50, 0.55}
    };
    List<BoundaryPoint> points = new ArrayList<>();
    for (int c = 0; c < checkpoints.length; c++) {
      for (int s = 0; s < sets.length; s++) {
        for (int k = 1; k <= 16; k *= 2) {
          double p = passAt1[s][c];
          double passAtK = ceiling[s][c] * (1 - Math.pow(1 - p / ceiling[s][c], k));
          if (s == 3 && c == 0 && k == 16) {
            passAtK = Double.NaN; // a missing measurement: the line stops at k = 8
          }
          points.add(new BoundaryPoint(checkpoints[c], sets[s], outOfDistribution[s], k, passAtK));
        }
      }
    }
    return points;
  }

  /**
   * Three phases of 20 steps: reward and accuracy climb within a phase and level off, KL grows from
   * 0 after each reset, entropy drifts down slowly, clip fractions stay small.
   */
  static List<StepPoint> stepPoints() {
    Random random = new Random(7);
    List<StepPoint> points = new ArrayList<>();
    for (int globalStep = 1; globalStep <= 60; globalStep++) {
      int phase = (globalStep - 1) / 20 + 1;
      int inPhase = (globalStep - 1) % 20;
      double progress = globalStep / 60.0;
      double reward = 0.25 + 0.45 * (1 - Math.exp(-3 * progress)) + 0.04 * random.nextGaussian();
      double accuracy = Math.max(0, reward - 0.12 + 0.03 * random.nextGaussian());
      double entropy = 0.85 - 0.25 * progress + 0.02 * random.nextGaussian();
      double kl = 0.0015 * inPhase * (1 + 0.1 * random.nextGaussian()) + 0.0002;
      double clipLow = 0.004 + 0.002 * random.nextDouble();
      double clipHigh = 0.010 + 0.004 * random.nextDouble();
      double length = 140 - 40 * progress + 6 * random.nextGaussian();
      double kept = Math.clamp(0.75 - 0.3 * progress + 0.05 * random.nextGaussian(), 0, 1);
      StepPoint point =
          new StepPoint(
              globalStep, phase, reward, accuracy, entropy, kl, clipLow, clipHigh, length, kept);
      // a validation check every 4 steps, as a phase with validateEvery 4 logs it
      points.add(globalStep % 4 == 0 ? point.withValidation(accuracy * 0.8) : point);
    }
    return points;
  }
}
