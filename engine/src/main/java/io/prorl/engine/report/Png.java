package io.prorl.engine.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;

/** PNG encoding of a rendered figure (no metadata, so equal images give equal bytes). */
public final class Png {

  private Png() {}

  /** The image as PNG bytes. */
  public static byte[] bytes(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeBufferedImageAsPNG(out, image);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding to memory failed", e);
    }
    return out.toByteArray();
  }

  /** Writes the image to {@code file} as PNG, creating parent folders; returns the file. */
  public static Path write(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      ChartUtils.writeBufferedImageAsPNG(out, image);
    }
    return file;
  }
}
