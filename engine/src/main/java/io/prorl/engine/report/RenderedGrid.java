package io.prorl.engine.report;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.JFreeChart;

/**
 * A grid of panels drawn into one image, with where each panel's data area landed: enough to map a
 * data value to its pixel ({@code axis.valueToJava2D(value, dataAreas.get(i), edge)}).
 *
 * @param image the whole figure
 * @param panels the panels, in grid order (row by row)
 * @param dataAreas each panel's data area in image pixels, same order
 */
record RenderedGrid(BufferedImage image, List<JFreeChart> panels, List<Rectangle2D> dataAreas) {

  RenderedGrid {
    panels = List.copyOf(panels);
    dataAreas = List.copyOf(dataAreas);
  }
}
