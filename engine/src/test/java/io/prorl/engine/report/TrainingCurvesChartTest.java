package io.prorl.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prorl.engine.rl.StepMetrics;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesChartTest {

  private static final int STEPS = 30;
  private static final List<ResetMarker> RESETS =
      List.of(new ResetMarker(11, "PLATEAU"), new ResetMarker(21, "KL_LIMIT"));

  @TempDir Path dir;

  /** 30 steps in phases 1, 2, 3 of 10 steps; entropy NaN (not logged) when asked. */
  private static List<StepPoint> steps(boolean entropyMissing) {
    List<StepPoint> steps = new ArrayList<>();
    for (int s = 1; s <= STEPS; s++) {
      int inPhase = (s - 1) % 10;
      steps.add(
          new StepPoint(
                  s,
                  (s - 1) / 10 + 1,
                  0.3 + 0.01 * s,
                  0.5,
                  entropyMissing ? Double.NaN : 0.9 - 0.005 * s,
                  0.002 * inPhase,
                  0.004 + 0.0001 * inPhase,
                  0.012 - 0.0001 * inPhase,
                  120 - s,
                  0.8 - 0.01 * s)
              .withSurrogateGain(0.02 - 0.001 * inPhase));
    }
    return steps;
  }

  /** Pixel x of a global step on the axis from step 0.5 to step 30.5, computed independently. */
  private static double x(Rectangle2D area, double step) {
    return area.getMinX() + (step - 0.5) / STEPS * area.getWidth();
  }

  @Test
  void writesAPngOfTheRequestedSize() throws Exception {
    Path png =
        new TrainingCurvesChart(new ChartSize(1200, 700))
            .writePng(dir.resolve("curves.png"), "run", steps(false), RESETS);

    BufferedImage image = Pixels.read(png);
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(700);
    assertThat(Pixels.nonWhite(image)).isGreaterThan(1200 * 700 / 20);
  }

  @Test
  void everyPanelHasADashedResetLineBetweenTheOldPhaseAndTheNew() throws Exception {
    TrainingCurvesChart chart = new TrainingCurvesChart();
    RenderedGrid grid = chart.draw("run", steps(false), RESETS);
    BufferedImage image =
        Pixels.read(chart.writePng(dir.resolve("curves.png"), "run", steps(false), RESETS));

    assertThat(grid.dataAreas()).hasSize(9);
    for (Rectangle2D area : grid.dataAreas()) {
      for (ResetMarker reset : RESETS) {
        double share =
            Pixels.columnShare(image, area, x(area, reset.globalStep() - 0.5), ChartStyle.RESET);
        // dashes of 6 px with gaps of 4 px: about 0.6 of the rows
        assertThat(share).as("reset at %d in %s", reset.globalStep(), area).isBetween(0.4, 0.8);
      }
      assertThat(Pixels.columnShare(image, area, x(area, 5), ChartStyle.RESET)).isZero();
    }
  }

  @Test
  void theFirstPanelNamesEachResetsReason() {
    RenderedGrid grid =
        new TrainingCurvesChart()
            .draw(
                "run", steps(false), List.of(new ResetMarker(11, "PLATEAU"), new ResetMarker(21)));

    assertThat(labels(grid, 0)).containsExactly("PLATEAU", "reset");
    for (int panel = 1; panel < grid.panels().size(); panel++) {
      assertThat(labels(grid, panel)).containsExactly(null, null);
    }
  }

  @Test
  void alternatePhasesAreShadedAndClipFractionsAreTwoLines() {
    RenderedGrid grid = new TrainingCurvesChart().draw("", steps(false), RESETS);
    BufferedImage image = grid.image();
    Rectangle2D accuracy = grid.dataAreas().get(1);
    Rectangle2D phase1 = columns(accuracy, 1, 10);
    Rectangle2D phase2 = columns(accuracy, 11, 20);

    assertThat(Pixels.count(image, phase2, ChartStyle.PHASE_BAND))
        .isGreaterThan((int) (0.5 * phase2.getWidth() * phase2.getHeight()));
    assertThat(Pixels.count(image, phase1, ChartStyle.PHASE_BAND)).isZero();

    Rectangle2D clip = grid.dataAreas().get(4);
    assertThat(Pixels.count(image, clip, ChartStyle.CLIP_LOW)).isGreaterThan(100);
    assertThat(Pixels.count(image, clip, ChartStyle.CLIP_HIGH)).isGreaterThan(100);
    assertThat(Pixels.count(image, clip, ChartStyle.METRIC)).isZero();
    assertThat(Pixels.count(image, accuracy, ChartStyle.METRIC)).isGreaterThan(100);
  }

  @Test
  void missingValuesAreSkipped() {
    RenderedGrid grid = new TrainingCurvesChart().draw("", steps(true), RESETS);

    Rectangle2D entropy = grid.dataAreas().get(2);
    assertThat(Pixels.count(grid.image(), entropy, ChartStyle.METRIC)).isZero();
    assertThat(Pixels.count(grid.image(), grid.dataAreas().get(3), ChartStyle.METRIC))
        .isGreaterThan(100);
  }

  @Test
  void aResetRightAfterTheLastStepIsDrawnAtTheRightEdge() {
    RenderedGrid grid =
        new TrainingCurvesChart().draw("", steps(false), List.of(new ResetMarker(STEPS + 1)));

    Rectangle2D area = grid.dataAreas().getFirst();
    assertThat(Pixels.columnShare(grid.image(), area, area.getMaxX() - 1, ChartStyle.RESET))
        .isGreaterThan(0.4);
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    byte[] first = Png.bytes(new TrainingCurvesChart().render("run", steps(false), RESETS));
    byte[] second = Png.bytes(new TrainingCurvesChart().render("run", steps(false), RESETS));
    Path written =
        new TrainingCurvesChart().writePng(dir.resolve("c.png"), "run", steps(false), RESETS);

    assertThat(second).isEqualTo(first);
    assertThat(Files.readAllBytes(written)).isEqualTo(first);
  }

  @Test
  void stepPointTakesItsFiguresFromStepMetrics() {
    StepMetrics m =
        new StepMetrics(
            4, 0.61, 0.2, 0.55, 0.75, 2, 88.5, 120, 0.1, 0.42, 0.013, 0.004, 0.011, 1.0, 0.9, 1e-5,
            0.3, 100, 50, 2, 0, 0.02, 1, 1, 1, 3);

    assertThat(StepPoint.of(24, 2, m))
        .isEqualTo(
            new StepPoint(24, 2, 0.61, 0.55, 0.42, 0.013, 0.004, 0.011, 88.5, 0.75)
                .withSurrogateGain(0.02));
  }

  @Test
  void rejectsEmptyStepsDuplicatesAndResetsOutsideTheSteps() {
    TrainingCurvesChart chart = new TrainingCurvesChart();
    assertThatThrownBy(() -> chart.render("t", List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps is empty: the training curves need at least one step point");

    List<StepPoint> twice = new ArrayList<>(steps(false));
    twice.add(steps(false).get(2));
    assertThatThrownBy(() -> chart.render("t", twice, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("global step 3 appears twice in steps");

    assertThatThrownBy(() -> chart.render("t", steps(false), List.of(new ResetMarker(40))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "reset at global step 40 lies outside the plotted steps 1..30 (a reset is at the first"
                + " step of its new phase, at most 31)");

    List<ResetMarker> sameStep = List.of(new ResetMarker(11, "PLATEAU"), new ResetMarker(11));
    assertThatThrownBy(() -> chart.render("t", steps(false), sameStep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reset at global step 11 appears twice in resets");
  }

  @Test
  void rejectsInfiniteValuesAndStepsBelowOne() {
    assertThatThrownBy(
            () -> new StepPoint(3, 1, 0.5, 0.5, 0.5, Double.POSITIVE_INFINITY, 0, 0, 100, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "step point (global step 3): kl must be finite (NaN when missing), got Infinity");
    assertThatThrownBy(() -> new StepPoint(0, -1, 0.5, 0.5, 0.5, 0, 0, 0, 100, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "step point (global step 0): globalStep must be >= 1, got 0; phase must be >= 0, got"
                + " -1");
    assertThatThrownBy(() -> new ResetMarker(0, "PLATEAU"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reset globalStep must be >= 1, got 0");
  }

  /**
   * The columns of steps {@code first}..{@code last} inside {@code area}, 3 px in from each side.
   */
  private static Rectangle2D columns(Rectangle2D area, int first, int last) {
    double left = x(area, first - 0.5) + 3;
    double right = x(area, last + 0.5) - 3;
    return new Rectangle2D.Double(left, area.getMinY() + 1, right - left, area.getHeight() - 2);
  }

  private static List<String> labels(RenderedGrid grid, int panel) {
    Collection<?> markers = grid.panels().get(panel).getXYPlot().getDomainMarkers(Layer.FOREGROUND);
    return markers.stream().map(m -> ((Marker) m).getLabel()).toList();
  }
}
