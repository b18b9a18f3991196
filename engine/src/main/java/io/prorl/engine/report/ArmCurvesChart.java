package io.prorl.engine.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Line2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The arms of an ablation side by side per global step, one line per arm (each the mean over the
 * arm's seeds): entropy (does clip-higher keep it up?), KL to the reference (does a reset bring it
 * down?), the high clip fraction, the kept fraction of dynamic sampling, accuracy and validation.
 */
public final class ArmCurvesChart {
  private static final Color[] ARM_COLORS = {
    new Color(0x1F77B4),
    new Color(0xD62728),
    new Color(0x2CA02C),
    new Color(0x9467BD),
    new Color(0xFF7F0E),
    new Color(0x8C564B)
  };

  private record Panel(String title, String axis, boolean share, ToDoubleFunction<StepPoint> v) {}

  private static final List<Panel> PANELS =
      List.of(
          new Panel("Entropy", "nats per token", false, StepPoint::entropy),
          new Panel("KL to reference (k3)", "nats per token", false, StepPoint::kl),
          new Panel("Clip fraction high", "share of tokens", false, StepPoint::clipFractionHigh),
          new Panel(
              "Kept fraction (dynamic sampling)", "share of groups", true, StepPoint::keptFraction),
          new Panel("Accuracy (rollouts)", "share with reward 1", true, StepPoint::accuracy),
          new Panel("Validation", "mean per-family pass@1", true, StepPoint::validation));

  public ArmCurvesChart() {
    Headless.ensure();
  }

  /**
   * Writes the figure as PNG.
   *
   * @param arms arm name -> its curve (one point per global step), in legend order
   */
  public Path writePng(Path file, String title, Map<String, List<StepPoint>> arms)
      throws IOException {
    if (arms.isEmpty() || arms.values().stream().allMatch(List::isEmpty)) {
      throw new IllegalArgumentException("arms: no arm logged a step");
    }
    List<JFreeChart> panels = new ArrayList<>();
    for (Panel spec : PANELS) {
      panels.add(panel(spec, arms));
    }
    return Png.write(
        PanelGrid.draw(title, legend(arms), panels, 3, ChartSize.DEFAULT).image(), file);
  }

  private static JFreeChart panel(Panel spec, Map<String, List<StepPoint>> arms) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (Map.Entry<String, List<StepPoint>> arm : arms.entrySet()) {
      XYSeries series = new XYSeries(arm.getKey(), true, false);
      for (StepPoint p : arm.getValue()) {
        double v = spec.v().applyAsDouble(p);
        if (!Double.isNaN(v)) {
          series.add(p.globalStep(), v);
        }
      }
      dataset.addSeries(series);
    }
    NumberAxis steps = new NumberAxis("global step");
    steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis values = new NumberAxis(spec.axis());
    if (spec.share()) {
      values.setRange(-0.02, 1.02);
      values.setTickUnit(new NumberTickUnit(0.2, new DecimalFormat("0.0")));
    } else {
      values.setAutoRangeIncludesZero(true);
    }
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < arms.size(); i++) {
      renderer.setSeriesPaint(i, ARM_COLORS[i % ARM_COLORS.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesShape(i, ChartStyle.markerShape(i));
    }
    XYPlot plot = new XYPlot(dataset, steps, values, renderer);
    plot.setNoDataMessage("not logged");
    JFreeChart chart = new JFreeChart(null, null, plot, false);
    ChartStyle.stylePanel(chart, spec.title());
    return chart;
  }

  private static LegendTitle legend(Map<String, List<StepPoint>> arms) {
    LegendItemCollection items = new LegendItemCollection();
    int i = 0;
    for (String arm : new LinkedHashMap<>(arms).keySet()) {
      LegendItem item =
          new LegendItem(
              arm,
              null,
              null,
              null,
              true,
              ChartStyle.markerShape(i),
              true,
              ARM_COLORS[i % ARM_COLORS.length],
              false,
              ARM_COLORS[i % ARM_COLORS.length],
              new BasicStroke(2f),
              true,
              new Line2D.Double(-14, 0, 14, 0),
              new BasicStroke(2f),
              ARM_COLORS[i % ARM_COLORS.length]);
      items.add(item);
      i++;
    }
    LegendTitle legend = new LegendTitle(() -> items);
    legend.setItemFont(ChartStyle.LEGEND_FONT);
    legend.setItemPaint(ChartStyle.TEXT);
    legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 18));
    return legend;
  }
}
