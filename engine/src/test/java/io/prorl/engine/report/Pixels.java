package io.prorl.engine.report;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reading rendered PNGs back, pixel by pixel, for the chart tests. */
final class Pixels {

  private Pixels() {}

  static BufferedImage read(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    if (image == null) {
      throw new IOException(png + " is not an image ImageIO can read");
    }
    return image;
  }

  /** Whether the pixel at (x, y) has exactly {@code color} (the opaque centre of a line). */
  static boolean is(BufferedImage image, int x, int y, Color color) {
    return (image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF);
  }

  /** Pixels of exactly {@code color} inside {@code area}. */
  static int count(BufferedImage image, Rectangle2D area, Color color) {
    int count = 0;
    for (int y = (int) Math.ceil(area.getMinY()); y < (int) area.getMaxY(); y++) {
      for (int x = (int) Math.ceil(area.getMinX()); x < (int) area.getMaxX(); x++) {
        if (is(image, x, y, color)) {
          count++;
        }
      }
    }
    return count;
  }

  /**
   * Share of the rows of {@code area} that have a pixel of exactly {@code color} within one pixel
   * of column {@code x}: about 0.6 for a dashed vertical line (dash 6, gap 4), 0 where none is
   * drawn.
   */
  static double columnShare(BufferedImage image, Rectangle2D area, double x, Color color) {
    int column = (int) Math.round(x);
    int top = (int) Math.ceil(area.getMinY());
    int bottom = (int) area.getMaxY();
    int rows = 0;
    for (int y = top; y < bottom; y++) {
      for (int dx = -1; dx <= 1; dx++) {
        if (is(image, column + dx, y, color)) {
          rows++;
          break;
        }
      }
    }
    return (double) rows / (bottom - top);
  }

  /** Pixels that are not the white background. */
  static int nonWhite(BufferedImage image) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
          count++;
        }
      }
    }
    return count;
  }
}
