package io.prorl.engine.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.util.ShapeUtils;

/**
 * The look every chart shares: fonts, colours, strokes and the checkpoint palette, in pixels at 1x.
 * One place, so the boundary figure and the training curves read as one report.
 */
final class ChartStyle {

  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 22);
  static final Font PANEL_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  static final Font AXIS_LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
  static final Font MARKER_LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  static final Color BACKGROUND = Color.WHITE;
  static final Color TEXT = new Color(0x222222);
  static final Color GRIDLINE = new Color(0xDDDDDD);
  static final Color PLOT_OUTLINE = new Color(0xAAAAAA);

  /** The baseline checkpoint (the base model) in the boundary figure: grey and dashed. */
  static final Color BASELINE = new Color(0x8C8C8C);

  /** Background of panels for sets the policy never trained on. */
  static final Color OUT_OF_DISTRIBUTION_BACKGROUND = new Color(0xFFF6E8);

  /** Reference resets in the training curves: the only red in the report. */
  static final Color RESET = new Color(0xD62728);

  /** Behind marker labels, so a line under the text does not hide it. */
  static final Color LABEL_BACKGROUND = new Color(255, 255, 255, 210);

  /** Every other phase of the training curves gets this band, so phases read at a glance. */
  static final Color PHASE_BAND = new Color(0xF2F2F2);

  /** Lines of the single-metric training panels. */
  static final Color METRIC = new Color(0x1F77B4);

  /** The lower clip fraction (ratio below 1 - eps_low). */
  static final Color CLIP_LOW = new Color(0x2CA02C);

  /** The upper clip fraction (ratio above 1 + eps_high). */
  static final Color CLIP_HIGH = new Color(0xFF7F0E);

  static final Stroke LINE = new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  static final Stroke DASHED_LINE =
      new BasicStroke(
          2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
  static final Stroke RESET_LINE =
      new BasicStroke(
          2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  /** Most panels per row of a grid. */
  static final int MAX_COLUMNS = 3;

  /**
   * The sequential palette for checkpoints after the baseline: a truncated, reversed viridis from
   * light green (first phase) to dark purple (last phase), so later checkpoints are darker and the
   * hue changes too. Stops of viridis at 0.8, 0.6, 0.4, 0.2 and 0.
   */
  private static final Color[] CHECKPOINT_STOPS = {
    new Color(0x7AD151),
    new Color(0x22A884),
    new Color(0x2A788E),
    new Color(0x414487),
    new Color(0x440154)
  };

  private static final double MARKER = 9;

  private ChartStyle() {}

  /**
   * Colour of checkpoint {@code index} of {@code count} after the baseline: evenly spread over the
   * palette, the last one always the darkest stop.
   */
  static Color checkpointColor(int index, int count) {
    double t = count == 1 ? 1 : (double) index / (count - 1);
    double position = t * (CHECKPOINT_STOPS.length - 1);
    int low = (int) Math.floor(position);
    if (low >= CHECKPOINT_STOPS.length - 1) {
      return CHECKPOINT_STOPS[CHECKPOINT_STOPS.length - 1];
    }
    return blend(CHECKPOINT_STOPS[low], CHECKPOINT_STOPS[low + 1], position - low);
  }

  /** A marker shape per series, cycling, so lines stay apart where colours are close. */
  static Shape markerShape(int series) {
    double r = MARKER / 2;
    return switch (series % 5) {
      case 0 -> new Ellipse2D.Double(-r, -r, MARKER, MARKER);
      case 1 -> new Rectangle2D.Double(-r, -r, MARKER, MARKER);
      case 2 -> ShapeUtils.createUpTriangle((float) (r + 1));
      case 3 -> ShapeUtils.createDiamond((float) (r + 1));
      default -> ShapeUtils.createDownTriangle((float) (r + 1));
    };
  }

  /** The look of one panel: white plot, light grid, fonts, and the panel title. */
  static void stylePanel(JFreeChart chart, String title) {
    chart.setBackgroundPaint(BACKGROUND);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setPadding(new RectangleInsets(6, 6, 6, 10));
    TextTitle panelTitle = new TextTitle(title, PANEL_TITLE_FONT);
    panelTitle.setPaint(TEXT);
    chart.setTitle(panelTitle);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(BACKGROUND);
    plot.setOutlinePaint(PLOT_OUTLINE);
    plot.setDomainGridlinePaint(GRIDLINE);
    plot.setRangeGridlinePaint(GRIDLINE);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    styleAxis(plot.getDomainAxis());
    styleAxis(plot.getRangeAxis());
  }

  static void styleAxis(ValueAxis axis) {
    axis.setLabelFont(AXIS_LABEL_FONT);
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(TICK_FONT);
    axis.setTickLabelPaint(TEXT);
  }

  private static Color blend(Color a, Color b, double t) {
    return new Color(
        (int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
  }
}
