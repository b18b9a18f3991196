package io.prorl.engine.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Pixel size of a rendered PNG. Fonts and strokes are fixed in pixels ({@link ChartStyle}), so a
 * larger size gives the panels more room rather than scaling the text.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 */
public record ChartSize(int width, int height) {

  /** 1600 x 1000: a grid of up to 3 x 3 panels whose labels stay readable. */
  public static final ChartSize DEFAULT = new ChartSize(1600, 1000);

  /** Smallest width and height: below it the panel titles and axis labels no longer fit. */
  public static final int MIN_PIXELS = 200;

  /** The largest width and height: a bigger image only costs memory (4 bytes a pixel). */
  public static final int MAX_PIXELS = 10_000;

  public ChartSize {
    List<String> violations = violations(width, height);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", violations));
    }
  }

  /** What is wrong with a size, each message naming the field; empty when valid. */
  public static List<String> violations(int width, int height) {
    List<String> violations = new ArrayList<>();
    if (width < MIN_PIXELS || width > MAX_PIXELS) {
      violations.add(outOfRange("width", width));
    }
    if (height < MIN_PIXELS || height > MAX_PIXELS) {
      violations.add(outOfRange("height", height));
    }
    return violations;
  }

  private static String outOfRange(String field, int value) {
    return field + " must be in [" + MIN_PIXELS + ", " + MAX_PIXELS + "] pixels, got " + value;
  }
}
