package io.prorl.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.AttributedCharacterIterator;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundaryChartTest {

  private static final String[] CHECKPOINTS = {"base", "phase-0001", "phase-0002"};
  private static final double[] PASS = {0.1, 0.5, 0.9};
  private static final int MAX_K = 8;

  @TempDir Path dir;

  /**
   * Three checkpoints with flat pass@k (0.1, 0.5, 0.9) at k = 1, 2, 4, 8 on graph_color and on
   * boxnet (out of distribution), where phase-0001's pass@8 is missing.
   */
  private static List<BoundaryPoint> points() {
    List<BoundaryPoint> points = new ArrayList<>();
    for (String set : List.of("graph_color", "boxnet")) {
      boolean ood = set.equals("boxnet");
      for (int c = 0; c < CHECKPOINTS.length; c++) {
        for (int k = 1; k <= MAX_K; k *= 2) {
          double pass = ood && c == 1 && k == MAX_K ? Double.NaN : PASS[c];
          points.add(new BoundaryPoint(CHECKPOINTS[c], set, ood, k, pass));
        }
      }
    }
    return points;
  }

  /** Pixel x of k on the log2 axis from 2^-0.25 to MAX_K * 2^0.25, computed independently. */
  private static int x(Rectangle2D area, double k) {
    double log2Max = Math.log(MAX_K) / Math.log(2);
    double t = (Math.log(k) / Math.log(2) + 0.25) / (log2Max + 0.5);
    return (int) (area.getMinX() + t * area.getWidth());
  }

  /** Pixel y of pass@k on the axis from -0.02 to 1.02. */
  private static int y(Rectangle2D area, double pass) {
    return (int) (area.getMaxY() - (pass + 0.02) / 1.04 * area.getHeight());
  }

  private static Color color(int checkpoint) {
    return checkpoint == 0
        ? ChartStyle.BASELINE
        : ChartStyle.checkpointColor(checkpoint - 1, CHECKPOINTS.length - 1);
  }

  @Test
  void writesAPngOfTheRequestedSizeWithoutADisplay() throws Exception {
    Path png =
        new BoundaryChart(new ChartSize(900, 500))
            .writePng(dir.resolve("sub/boundary.png"), "pass@k, T=0.6, n=8", points());

    BufferedImage image = Pixels.read(png);
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(500);
    assertThat(Pixels.nonWhite(image)).isGreaterThan(900 * 500 / 20);
    assertThat(GraphicsEnvironment.isHeadless()).isTrue();
  }

  @Test
  void defaultSizeIs1600By1000() {
    BufferedImage image = new BoundaryChart().render("", points());

    assertThat(image.getWidth()).isEqualTo(ChartSize.DEFAULT.width()).isEqualTo(1600);
    assertThat(image.getHeight()).isEqualTo(ChartSize.DEFAULT.height()).isEqualTo(1000);
  }

  @Test
  void eachCheckpointsMarkersSitAtItsPassAtKOnALog2AxisInItsOwnColour() throws Exception {
    BoundaryChart chart = new BoundaryChart();
    RenderedGrid grid = chart.draw("boundary", points());
    BufferedImage image =
        Pixels.read(chart.writePng(dir.resolve("boundary.png"), "boundary", points()));
    Rectangle2D graphColor = grid.dataAreas().get(0);

    for (int c = 0; c < CHECKPOINTS.length; c++) {
      for (int k = 1; k <= MAX_K; k *= 2) {
        assertThat(Pixels.is(image, x(graphColor, k), y(graphColor, PASS[c]), color(c)))
            .as("%s's marker at k=%d", CHECKPOINTS[c], k)
            .isTrue();
      }
    }
    // the baseline is grey, later checkpoints are distinct and darker
    assertThat(color(0)).isEqualTo(ChartStyle.BASELINE);
    assertThat(color(1)).isNotEqualTo(color(2));
    assertThat(luminance(color(2))).isLessThan(luminance(color(1)));
  }

  @Test
  void laterCheckpointsAreDrawnOnTopOfEarlierOnes() {
    List<BoundaryPoint> overlapping = new ArrayList<>();
    for (String checkpoint : CHECKPOINTS) {
      overlapping.add(new BoundaryPoint(checkpoint, "graph_color", false, 1, 0.5));
      overlapping.add(new BoundaryPoint(checkpoint, "graph_color", false, MAX_K, 0.5));
    }
    RenderedGrid grid = new BoundaryChart().draw("", overlapping);
    Rectangle2D area = grid.dataAreas().getFirst();

    assertThat(Pixels.is(grid.image(), x(area, 1), y(area, 0.5), color(2))).isTrue();
    assertThat(Pixels.is(grid.image(), x(area, 2), y(area, 0.5), color(2))).isTrue();
  }

  @Test
  void kTicksArePowersOfTwo() {
    RenderedGrid grid = new BoundaryChart().draw("", points());
    LogAxis axis = (LogAxis) grid.panels().getFirst().getXYPlot().getDomainAxis();
    Graphics2D g2 = grid.image().createGraphics();
    try {
      List<?> ticks =
          axis.refreshTicks(g2, new AxisState(), grid.dataAreas().getFirst(), RectangleEdge.BOTTOM);
      List<String> labels = new ArrayList<>();
      for (Object tick : ticks) {
        LogTick logTick = (LogTick) tick;
        if (logTick.getTickType() == TickType.MAJOR) {
          labels.add(text(logTick.getAttributedLabel()) + " at " + logTick.getValue());
        }
      }
      assertThat(labels).containsExactly("1 at 1.0", "2 at 2.0", "4 at 4.0", "8 at 8.0");
    } finally {
      g2.dispose();
    }
  }

  @Test
  void aMissingPassAtKIsLeftOutAndTheLineStopsBeforeIt() throws Exception {
    BoundaryChart chart = new BoundaryChart();
    RenderedGrid grid = chart.draw("boundary", points());
    BufferedImage image = Pixels.read(chart.writePng(dir.resolve("b.png"), "boundary", points()));
    Rectangle2D graphColor = grid.dataAreas().get(0);
    Rectangle2D boxnet = grid.dataAreas().get(1);
    double between4And8 = Math.sqrt(4 * 8);

    assertThat(Pixels.is(image, x(graphColor, between4And8), y(graphColor, 0.5), color(1)))
        .isTrue();
    assertThat(Pixels.is(image, x(boxnet, 4), y(boxnet, 0.5), color(1))).isTrue();
    assertThat(Pixels.is(image, x(boxnet, between4And8), y(boxnet, 0.5), color(1))).isFalse();
    assertThat(Pixels.is(image, x(boxnet, 8), y(boxnet, 0.5), color(1))).isFalse();
  }

  @Test
  void outOfDistributionPanelsAreTinted() {
    RenderedGrid grid = new BoundaryChart().draw("", points());
    BufferedImage image = grid.image();
    Rectangle2D graphColor = grid.dataAreas().get(0);
    Rectangle2D boxnet = grid.dataAreas().get(1);
    Color tint = ChartStyle.OUT_OF_DISTRIBUTION_BACKGROUND;

    double area = boxnet.getWidth() * boxnet.getHeight();
    assertThat(Pixels.count(image, boxnet, tint)).isGreaterThan((int) (0.5 * area));
    assertThat(Pixels.count(image, graphColor, tint)).isZero();
    assertThat(grid.panels().get(1).getTitle().getText()).isEqualTo("boxnet (out of distribution)");
    assertThat(grid.panels().get(0).getTitle().getText()).isEqualTo("graph_color");
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    byte[] first = Png.bytes(new BoundaryChart().render("pass@k", points()));
    byte[] second = Png.bytes(new BoundaryChart().render("pass@k", points()));
    Path written = new BoundaryChart().writePng(dir.resolve("c.png"), "pass@k", points());

    assertThat(second).isEqualTo(first);
    assertThat(Files.readAllBytes(written)).isEqualTo(first);
  }

  @Test
  void rejectsEmptyInput() {
    assertThatThrownBy(() -> new BoundaryChart().render("t", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("points is empty: the boundary chart needs at least one pass@k point");
  }

  @Test
  void rejectsKBelowOneAndPassAtKOutsideTheUnitInterval() {
    assertThatThrownBy(() -> new BoundaryPoint("base", "graph_color", false, 0, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pass@k point (checkpoint base, set graph_color, k 0): k must be >= 1, got 0");
    assertThatThrownBy(() -> new BoundaryPoint("base", "graph_color", false, 2, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pass@k point (checkpoint base, set graph_color, k 2): passAtK must be in [0, 1] (NaN"
                + " when missing), got 1.5");
    assertThatThrownBy(
            () -> new BoundaryPoint(" ", "graph_color", false, 1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pass@k point (checkpoint  , set graph_color, k 1): checkpoint must not be blank;"
                + " passAtK must be in [0, 1] (NaN when missing), got Infinity");
  }

  @Test
  void rejectsDuplicatesMixedFlagsAndAllMissing() {
    BoundaryPoint point = new BoundaryPoint("base", "graph_color", false, 1, 0.2);
    assertThatThrownBy(() -> new BoundaryChart().render("t", List.of(point, point)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pass@k of checkpoint base, set graph_color, k 1 appears twice");

    List<BoundaryPoint> mixed =
        List.of(
            new BoundaryPoint("base", "boxnet", true, 1, 0.2),
            new BoundaryPoint("phase-0001", "boxnet", false, 1, 0.3));
    assertThatThrownBy(() -> new BoundaryChart().render("t", mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("set boxnet is outOfDistribution on some points and not on others");

    List<BoundaryPoint> missing = List.of(new BoundaryPoint("base", "boxnet", true, 1, Double.NaN));
    assertThatThrownBy(() -> new BoundaryChart().render("t", missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every pass@k point is NaN (missing): the boundary chart has nothing to draw");
  }

  @Test
  void rejectsASizeOutsideItsBounds() {
    assertThatThrownBy(() -> new ChartSize(100, 20_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "width must be in [200, 10000] pixels, got 100; height must be in [200, 10000] pixels,"
                + " got 20000");
  }

  private static String text(AttributedString label) {
    StringBuilder text = new StringBuilder();
    AttributedCharacterIterator it = label.getIterator();
    for (char c = it.first(); c != AttributedCharacterIterator.DONE; c = it.next()) {
      text.append(c);
    }
    return text.toString();
  }

  private static double luminance(Color c) {
    return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
  }
}
