package io.prorl.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a busy JVM (a Kestra worker) does between a forward and a backward pass: direct buffers
 * freed and reallocated, here filled with NaN, so memory a borrowed tensor still points into is
 * reused with garbage.
 */
public final class DirectMemoryChurn {
  private DirectMemoryChurn() {}

  /** Frees and reallocates direct buffers holding NaN, with a garbage collection between. */
  public static void churn() {
    List<ByteBuffer> junk = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4);
      b.putFloat(0, Float.NaN);
      junk.add(b);
    }
    junk.clear();
    System.gc();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer.allocateDirect(4).putFloat(0, Float.NaN);
    }
  }
}
