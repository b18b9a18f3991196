package io.prorl.engine.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.block.LengthConstraintType;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.Size2D;
import org.jfree.data.Range;

/**
 * Composes several JFreeCharts into one image: a figure title on top, an optional shared legend
 * under it, then the panels row by row in a grid of equal cells. JFreeChart has no multi-panel
 * figure of its own beyond combined plots, which share an axis; the panels here each keep theirs.
 */
final class PanelGrid {

  private static final int MARGIN = 16;
  private static final int GAP = 8;

  private PanelGrid() {}

  /**
   * Draws the figure.
   *
   * @param title the figure title; blank for none
   * @param legend a legend shared by all panels, or null
   * @param panels the panels, in reading order
   * @param columns panels per row
   * @param size the image size
   */
  static RenderedGrid draw(
      String title, Title legend, List<JFreeChart> panels, int columns, ChartSize size) {
    Headless.ensure();
    BufferedImage image =
        new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g2 = image.createGraphics();
    try {
      g2.setPaint(ChartStyle.BACKGROUND);
      g2.fillRect(0, 0, size.width(), size.height());
      g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g2.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      double width = size.width() - 2.0 * MARGIN;
      double top = MARGIN;
      if (!title.isBlank()) {
        TextTitle figureTitle = new TextTitle(title, ChartStyle.TITLE_FONT);
        figureTitle.setPaint(ChartStyle.TEXT);
        top += drawCentred(g2, figureTitle, top, width, size) + GAP;
      }
      if (legend != null) {
        top += drawCentred(g2, legend, top, width, size) + GAP;
      }
      return drawCells(g2, image, panels, columns, top, size);
    } finally {
      g2.dispose();
    }
  }

  private static double drawCentred(
      Graphics2D g2, Title title, double top, double width, ChartSize size) {
    // a width range, not a fixed width: the title takes only the width it needs and is centred
    RectangleConstraint upToWidth =
        new RectangleConstraint(
            0, new Range(0, width), LengthConstraintType.RANGE, 0, null, LengthConstraintType.NONE);
    Size2D arranged = title.arrange(g2, upToWidth);
    double left = (size.width() - arranged.getWidth()) / 2;
    title.draw(g2, new Rectangle2D.Double(left, top, arranged.getWidth(), arranged.getHeight()));
    return arranged.getHeight();
  }

  private static RenderedGrid drawCells(
      Graphics2D g2,
      BufferedImage image,
      List<JFreeChart> panels,
      int columns,
      double top,
      ChartSize size) {
    int rows = (panels.size() + columns - 1) / columns;
    double cellWidth = (size.width() - 2.0 * MARGIN - (columns - 1) * GAP) / columns;
    double cellHeight = (size.height() - top - MARGIN - (rows - 1) * GAP) / rows;
    List<Rectangle2D> dataAreas = new ArrayList<>();
    for (int i = 0; i < panels.size(); i++) {
      double x = MARGIN + (i % columns) * (cellWidth + GAP);
      double y = top + (i / columns) * (cellHeight + GAP);
      ChartRenderingInfo info = new ChartRenderingInfo();
      panels.get(i).draw(g2, new Rectangle2D.Double(x, y, cellWidth, cellHeight), info);
      dataAreas.add((Rectangle2D) info.getPlotInfo().getDataArea().clone());
    }
    return new RenderedGrid(image, panels, dataAreas);
  }
}
