package io.prorl.engine.report;

import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The paper's reasoning-boundary figure: how pass@k moves from checkpoint to checkpoint on every
 * evaluation set. One panel per set (sets the policy never trained on are tinted and titled "out of
 * distribution"); x = k on a log2 axis with ticks at 1, 2, 4, ...; y = pass@k from 0 to 1; one line
 * with markers per checkpoint. The first checkpoint in the input (normally the base model) is the
 * baseline, grey and dashed; the later ones run along a sequential palette, darker with each phase,
 * so the order of checkpoints reads from the colours. A legend above the panels names them.
 *
 * <p>A boundary that expands shows the later (darker) curves above the baseline at large k too, not
 * only at k = 1.
 */
public final class BoundaryChart {

  private static final double LOG2_MARGIN = 0.25;

  private final ChartSize size;

  /** A chart of {@link ChartSize#DEFAULT} size. */
  public BoundaryChart() {
    this(ChartSize.DEFAULT);
  }

  public BoundaryChart(ChartSize size) {
    this.size = Objects.requireNonNull(size, "size");
    Headless.ensure();
  }

  /**
   * Renders the figure.
   *
   * @param title the figure title, e.g. {@code pass@k per family, T=0.6, n=16}; blank for none
   * @param points pass@k points, checkpoints in their order (baseline first); NaN points are left
   *     out
   * @throws IllegalArgumentException when there is no point, no measured point, a point appears
   *     twice, or a set is out of distribution on some points and not on others
   */
  public BufferedImage render(String title, List<BoundaryPoint> points) {
    return draw(title, points).image();
  }

  /** Renders the figure and writes it to {@code file} as PNG; returns the file. */
  public Path writePng(Path file, String title, List<BoundaryPoint> points) throws IOException {
    return Png.write(render(title, points), file);
  }

  RenderedGrid draw(String title, List<BoundaryPoint> points) {
    Objects.requireNonNull(title, "title");
    validate(points);
    List<String> checkpoints = points.stream().map(BoundaryPoint::checkpoint).distinct().toList();
    Map<String, Boolean> sets = new LinkedHashMap<>();
    points.forEach(p -> sets.putIfAbsent(p.set(), p.outOfDistribution()));
    int maxK =
        points.stream()
            .filter(BoundaryPoint::present)
            .mapToInt(BoundaryPoint::k)
            .max()
            .orElseThrow();

    List<JFreeChart> panels = new ArrayList<>();
    for (Map.Entry<String, Boolean> set : sets.entrySet()) {
      panels.add(panel(set.getKey(), set.getValue(), checkpoints, points, maxK));
    }
    LegendTitle legend = new LegendTitle(panels.getFirst().getXYPlot());
    legend.setItemFont(ChartStyle.LEGEND_FONT);
    legend.setItemPaint(ChartStyle.TEXT);
    legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 18));
    int columns = Math.min(ChartStyle.MAX_COLUMNS, panels.size());
    return PanelGrid.draw(title, legend, panels, columns, size);
  }

  private static JFreeChart panel(
      String set,
      boolean outOfDistribution,
      List<String> checkpoints,
      List<BoundaryPoint> points,
      int maxK) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (String checkpoint : checkpoints) {
      XYSeries series = new XYSeries(checkpoint, true, false);
      for (BoundaryPoint p : points) {
        if (p.present() && p.set().equals(set) && p.checkpoint().equals(checkpoint)) {
          series.add(p.k(), p.passAtK());
        }
      }
      dataset.addSeries(series);
    }

    LogAxis kAxis = new LogAxis("k (samples, log2 scale)");
    kAxis.setBase(2);
    kAxis.setTickUnit(new NumberTickUnit(1));
    kAxis.setNumberFormatOverride(new DecimalFormat("0"));
    kAxis.setMinorTickCount(1);
    // x from 2^-0.25 to maxK * 2^0.25: the first and last markers clear of the frame
    kAxis.setRange(Math.pow(2, -LOG2_MARGIN), maxK * Math.pow(2, LOG2_MARGIN));
    NumberAxis passAxis = new NumberAxis("pass@k");
    passAxis.setRange(-0.02, 1.02);
    passAxis.setTickUnit(new NumberTickUnit(0.2, new DecimalFormat("0.0")));

    XYPlot plot = new XYPlot(dataset, kAxis, passAxis, renderer(checkpoints.size()));
    // JFreeChart draws the last series first by default: the baseline below, the last phase on top
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    plot.setNoDataMessage("no pass@k measured");
    JFreeChart chart = new JFreeChart(null, null, plot, false);
    ChartStyle.stylePanel(chart, outOfDistribution ? set + " (out of distribution)" : set);
    if (outOfDistribution) {
      plot.setBackgroundPaint(ChartStyle.OUT_OF_DISTRIBUTION_BACKGROUND);
    }
    return chart;
  }

  private static XYLineAndShapeRenderer renderer(int checkpoints) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setLegendLine(new Line2D.Double(-18, 0, 18, 0));
    for (int series = 0; series < checkpoints; series++) {
      boolean baseline = series == 0;
      renderer.setSeriesPaint(
          series,
          baseline ? ChartStyle.BASELINE : ChartStyle.checkpointColor(series - 1, checkpoints - 1));
      renderer.setSeriesStroke(series, baseline ? ChartStyle.DASHED_LINE : ChartStyle.LINE);
      renderer.setSeriesShape(series, ChartStyle.markerShape(series));
    }
    return renderer;
  }

  private static void validate(List<BoundaryPoint> points) {
    if (points == null || points.isEmpty()) {
      throw new IllegalArgumentException(
          "points is empty: the boundary chart needs at least one pass@k point");
    }
    Map<String, Boolean> outOfDistribution = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (BoundaryPoint p : points) {
      Boolean first = outOfDistribution.putIfAbsent(p.set(), p.outOfDistribution());
      if (first != null && first != p.outOfDistribution()) {
        throw new IllegalArgumentException(
            "set " + p.set() + " is outOfDistribution on some points and not on others");
      }
      String key = p.checkpoint() + "\u0000" + p.set() + "\u0000" + p.k();
      if (!seen.add(key)) {
        throw new IllegalArgumentException(
            "pass@k of checkpoint "
                + p.checkpoint()
                + ", set "
                + p.set()
                + ", k "
                + p.k()
                + " appears twice");
      }
    }
    if (points.stream().noneMatch(BoundaryPoint::present)) {
      throw new IllegalArgumentException(
          "every pass@k point is NaN (missing): the boundary chart has nothing to draw");
    }
  }
}
