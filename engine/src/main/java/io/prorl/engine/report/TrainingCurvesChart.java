package io.prorl.engine.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves of a ProRL run per global step: reward mean, accuracy, entropy, KL to the
 * reference, the low and high clip fractions (one panel, two lines), response length and the kept
 * fraction of dynamic sampling, one panel each on a shared step axis. Every reference reset is a
 * red dashed vertical line in every panel, between the last step of the old phase and the first of
 * the new one; the first panel names each reset's reason beside its line, above the data. Phases
 * alternate white and grey bands; a key above the panels explains the line, the bands and the clip
 * fraction colours. Together they show what the paper watches: entropy that does not collapse, KL
 * that climbs within a phase and drops at each reset, and reward that resumes rising after it.
 */
public final class TrainingCurvesChart {

  private static final int COLUMNS = 5;

  /** Up to this many steps each point gets a marker; longer runs draw plain lines. */
  private static final int MARKERS_UP_TO_STEPS = 40;

  /** Vertical distance of staggered reset labels, so neighbouring labels do not overlap. */
  private static final double LABEL_STAGGER = 16;

  /** Room above the data of the first panel for the two staggered rows of reset labels. */
  private static final double LABELLED_UPPER_MARGIN = 0.2;

  /** Padding of a value axis beyond its data, as a share of the data's span. */
  private static final double CURVE_PADDING = 0.05;

  /** Padding of a constant line's axis, as a share of its value, at least {@link #ZERO_PADDING}. */
  private static final double CONSTANT_PADDING = 0.1;

  private static final double ZERO_PADDING = 0.01;

  /** A reset in the rightmost share of a panel gets its label on the left of its line. */
  private static final double LABEL_LEFT_FROM = 0.7;

  private static final String CLIP_LOW = "clip fraction low: ratio < 1 - eps_low";
  private static final String CLIP_HIGH = "clip fraction high: ratio > 1 + eps_high";

  private static final List<Panel> PANELS =
      List.of(
          new Panel(
              "Reward (mean)",
              "reward per response",
              Scale.ANY,
              List.of(new Line("reward mean", StepPoint::rewardMean, ChartStyle.METRIC))),
          new Panel(
              "Accuracy",
              "share with reward 1",
              Scale.SHARE,
              List.of(new Line("accuracy", StepPoint::accuracy, ChartStyle.METRIC))),
          new Panel(
              "Entropy",
              "nats per token",
              Scale.NON_NEGATIVE,
              List.of(new Line("entropy", StepPoint::entropy, ChartStyle.METRIC))),
          new Panel(
              "KL to reference (k3)",
              "nats per token",
              Scale.NON_NEGATIVE,
              List.of(new Line("kl", StepPoint::kl, ChartStyle.METRIC))),
          new Panel(
              "Clip fractions",
              "share of tokens",
              Scale.NON_NEGATIVE,
              List.of(
                  new Line(CLIP_LOW, StepPoint::clipFractionLow, ChartStyle.CLIP_LOW),
                  new Line(CLIP_HIGH, StepPoint::clipFractionHigh, ChartStyle.CLIP_HIGH))),
          new Panel(
              "Response length (mean)",
              "tokens",
              Scale.NON_NEGATIVE,
              List.of(
                  new Line("response length", StepPoint::responseLengthMean, ChartStyle.METRIC))),
          new Panel(
              "Kept fraction (dynamic sampling)",
              "share of groups kept",
              Scale.SHARE,
              List.of(new Line("kept fraction", StepPoint::keptFraction, ChartStyle.METRIC))),
          new Panel(
              "Surrogate gain (update guard)",
              "first-order gain per token",
              Scale.ANY,
              List.of(new Line("surrogate gain", StepPoint::surrogateGain, ChartStyle.METRIC))),
          new Panel(
              "Validation (the stall signal)",
              "mean per-family pass@1",
              Scale.SHARE,
              List.of(new Line("validation", StepPoint::validation, ChartStyle.METRIC))));

  private final ChartSize size;

  /** A chart of {@link ChartSize#DEFAULT} size. */
  public TrainingCurvesChart() {
    this(ChartSize.DEFAULT);
  }

  public TrainingCurvesChart(ChartSize size) {
    this.size = Objects.requireNonNull(size, "size");
    Headless.ensure();
  }

  /**
   * Renders the figure.
   *
   * @param title the figure title, e.g. the run's name; blank for none
   * @param steps one point per global step, in any order
   * @param resets the reference resets, each at the first global step of its new phase
   * @throws IllegalArgumentException when there is no step, a global step appears twice, or a reset
   *     appears twice or lies outside the plotted steps
   */
  public BufferedImage render(String title, List<StepPoint> steps, List<ResetMarker> resets) {
    return draw(title, steps, resets).image();
  }

  /** Renders the figure and writes it to {@code file} as PNG; returns the file. */
  public Path writePng(Path file, String title, List<StepPoint> steps, List<ResetMarker> resets)
      throws IOException {
    return Png.write(render(title, steps, resets), file);
  }

  RenderedGrid draw(String title, List<StepPoint> steps, List<ResetMarker> resets) {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(resets, "resets");
    validate(steps, resets);
    List<StepPoint> ordered =
        steps.stream().sorted(Comparator.comparingInt(StepPoint::globalStep)).toList();
    List<ResetMarker> orderedResets =
        resets.stream().sorted(Comparator.comparingInt(ResetMarker::globalStep)).toList();
    List<JFreeChart> panels = new ArrayList<>();
    for (int i = 0; i < PANELS.size(); i++) {
      panels.add(panel(PANELS.get(i), ordered, orderedResets, i == 0));
    }
    return PanelGrid.draw(title, legend(), panels, COLUMNS, size);
  }

  private static JFreeChart panel(
      Panel spec, List<StepPoint> steps, List<ResetMarker> resets, boolean labelResets) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (Line line : spec.lines()) {
      XYSeries series = new XYSeries(line.name(), true, false);
      for (StepPoint step : steps) {
        double value = line.value().applyAsDouble(step);
        if (!Double.isNaN(value)) {
          series.add(step.globalStep(), value);
        }
      }
      dataset.addSeries(series);
    }

    NumberAxis stepAxis = new NumberAxis("global step");
    stepAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    // each step owns [s - 0.5, s + 0.5], so a reset line sits between two steps
    stepAxis.setRange(steps.getFirst().globalStep() - 0.5, steps.getLast().globalStep() + 0.5);
    NumberAxis valueAxis = new NumberAxis(spec.axisLabel());
    if (spec.scale() == Scale.SHARE) {
      valueAxis.setRange(-0.02, 1.02);
      valueAxis.setTickUnit(new NumberTickUnit(0.2, new DecimalFormat("0.0")));
    } else {
      valueRange(dataset, spec.scale(), labelResets).ifPresent(valueAxis::setRange);
    }

    XYLineAndShapeRenderer renderer =
        new XYLineAndShapeRenderer(true, steps.size() <= MARKERS_UP_TO_STEPS);
    for (int series = 0; series < spec.lines().size(); series++) {
      renderer.setSeriesPaint(series, spec.lines().get(series).color());
      renderer.setSeriesStroke(series, new BasicStroke(2f));
      renderer.setSeriesShape(series, new Ellipse2D.Double(-3, -3, 6, 6));
    }

    XYPlot plot = new XYPlot(dataset, stepAxis, valueAxis, renderer);
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    plot.setNoDataMessage("not logged");
    addPhaseBands(plot, steps);
    for (int i = 0; i < resets.size(); i++) {
      ValueMarker line = resetLine(resets.get(i));
      if (labelResets) {
        label(line, resets.get(i), i, stepAxis.getRange());
      }
      plot.addDomainMarker(line, Layer.FOREGROUND);
    }
    JFreeChart chart = new JFreeChart(null, null, plot, false);
    ChartStyle.stylePanel(chart, spec.title());
    return chart;
  }

  /**
   * The value axis of a panel that is not a share: the data's range padded by 5% on each side (a
   * constant line gets 10% of its value, or 0.01 at 0, instead of JFreeChart's 1e-8 span whose tick
   * labels all read alike), never below 0 for a non-negative figure, and with room on top for the
   * reset labels in the labelled panel. Empty when nothing was logged.
   */
  private static Optional<Range> valueRange(
      XYSeriesCollection dataset, Scale scale, boolean labelled) {
    Range data = DatasetUtils.findRangeBounds(dataset, false);
    if (data == null) {
      return Optional.empty();
    }
    double span = data.getLength();
    double pad =
        span > 0
            ? CURVE_PADDING * span
            : Math.max(CONSTANT_PADDING * Math.abs(data.getCentralValue()), ZERO_PADDING);
    double lower = data.getLowerBound() - pad;
    if (scale == Scale.NON_NEGATIVE && data.getLowerBound() >= 0) {
      lower = Math.max(0, lower);
    }
    double upper = data.getUpperBound() + pad;
    if (labelled) {
      upper += LABELLED_UPPER_MARGIN * (upper - lower);
    }
    return Optional.of(new Range(lower, upper));
  }

  /** Alternate phases get a grey band from their first step - 0.5 to their last step + 0.5. */
  private static void addPhaseBands(XYPlot plot, List<StepPoint> steps) {
    int bandIndex = 0;
    int start = 0;
    for (int i = 1; i <= steps.size(); i++) {
      if (i == steps.size() || steps.get(i).phase() != steps.get(start).phase()) {
        if (bandIndex % 2 == 1) {
          IntervalMarker band =
              new IntervalMarker(
                  steps.get(start).globalStep() - 0.5, steps.get(i - 1).globalStep() + 0.5);
          band.setPaint(ChartStyle.PHASE_BAND);
          band.setOutlinePaint(null);
          band.setAlpha(1f);
          plot.addDomainMarker(band, Layer.BACKGROUND);
        }
        bandIndex++;
        start = i;
      }
    }
  }

  /** The dashed line of a reset, between its two phases. */
  private static ValueMarker resetLine(ResetMarker reset) {
    ValueMarker marker = new ValueMarker(reset.globalStep() - 0.5);
    marker.setPaint(ChartStyle.RESET);
    marker.setStroke(ChartStyle.RESET_LINE);
    marker.setAlpha(1f);
    return marker;
  }

  /**
   * Names the reset's reason at the top of its line: on the right of the line, or on the left near
   * the panel's right edge; every second label one row lower, so neighbouring labels do not
   * overlap.
   */
  private static void label(ValueMarker line, ResetMarker reset, int index, Range steps) {
    line.setLabel(reset.label());
    line.setLabelFont(ChartStyle.MARKER_LABEL_FONT);
    line.setLabelPaint(ChartStyle.RESET);
    line.setLabelBackgroundColor(ChartStyle.LABEL_BACKGROUND);
    boolean onTheLeft =
        steps.getLowerBound() + LABEL_LEFT_FROM * steps.getLength() < line.getValue();
    line.setLabelAnchor(onTheLeft ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
    line.setLabelTextAnchor(onTheLeft ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
    line.setLabelOffset(new RectangleInsets(4 + (index % 2) * LABEL_STAGGER, 4, 4, 4));
  }

  /** The key above the panels: the reset line, the phase bands and the two clip-fraction lines. */
  private static LegendTitle legend() {
    LegendItemCollection items = new LegendItemCollection();
    LegendItem reset =
        new LegendItem(
            "reference reset (label: why the phase ended)",
            null,
            null,
            null,
            new Line2D.Double(-14, 0, 14, 0),
            ChartStyle.RESET_LINE,
            ChartStyle.RESET);
    items.add(reset);
    LegendItem band =
        new LegendItem(
            "phases alternate white / grey",
            null,
            null,
            null,
            new Rectangle2D.Double(-8, -6, 16, 12),
            ChartStyle.PHASE_BAND,
            new BasicStroke(1f),
            ChartStyle.PLOT_OUTLINE);
    items.add(band);
    items.add(lineItem(CLIP_LOW, ChartStyle.CLIP_LOW));
    items.add(lineItem(CLIP_HIGH, ChartStyle.CLIP_HIGH));
    LegendTitle legend = new LegendTitle(() -> items);
    legend.setItemFont(ChartStyle.LEGEND_FONT);
    legend.setItemPaint(ChartStyle.TEXT);
    legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 18));
    return legend;
  }

  private static LegendItem lineItem(String label, Color color) {
    return new LegendItem(
        label, null, null, null, new Line2D.Double(-14, 0, 14, 0), new BasicStroke(2f), color);
  }

  private static void validate(List<StepPoint> steps, List<ResetMarker> resets) {
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException(
          "steps is empty: the training curves need at least one step point");
    }
    Set<Integer> seen = new HashSet<>();
    int first = Integer.MAX_VALUE;
    int last = Integer.MIN_VALUE;
    for (StepPoint step : steps) {
      if (!seen.add(step.globalStep())) {
        throw new IllegalArgumentException(
            "global step " + step.globalStep() + " appears twice in steps");
      }
      first = Math.min(first, step.globalStep());
      last = Math.max(last, step.globalStep());
    }
    Set<Integer> resetSteps = new HashSet<>();
    for (ResetMarker reset : resets) {
      if (!resetSteps.add(reset.globalStep())) {
        throw new IllegalArgumentException(
            "reset at global step " + reset.globalStep() + " appears twice in resets");
      }
      if (reset.globalStep() < first || reset.globalStep() > last + 1) {
        throw new IllegalArgumentException(
            "reset at global step "
                + reset.globalStep()
                + " lies outside the plotted steps "
                + first
                + ".."
                + last
                + " (a reset is at the first step of its new phase, at most "
                + (last + 1)
                + ")");
      }
    }
  }

  /** A panel: its title, y axis label, the scale of its values, and its lines. */
  private record Panel(String title, String axisLabel, Scale scale, List<Line> lines) {}

  /** What values a panel's figure takes, which decides its value axis. */
  private enum Scale {
    /** a share in [0, 1]: the axis is always 0 to 1 */
    SHARE,
    /** never below 0 (entropy, KL, clip fractions, lengths): the axis does not go below 0 */
    NON_NEGATIVE,
    /** any sign (reward with format penalties) */
    ANY
  }

  /** One line of a panel: its series name, the figure it plots and its colour. */
  private record Line(String name, ToDoubleFunction<StepPoint> value, Color color) {}
}
