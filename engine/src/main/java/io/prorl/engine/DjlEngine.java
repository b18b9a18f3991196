package io.prorl.engine;

import ai.djl.engine.Engine;

/**
 * The PyTorch engine, loaded from the natives jar on the classpath. Offline mode is forced before
 * the first load so DJL never tries to download natives; set {@code DJL_CACHE_DIR} to choose where
 * they are unpacked and {@code OMP_NUM_THREADS} (1 on small machines) before the JVM starts.
 */
public final class DjlEngine {
  private DjlEngine() {}

  public static Engine pytorch() {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return Engine.getEngine("PyTorch");
  }

  /**
   * Turns PyTorch's autograd recording off for the calling thread. Grad mode is thread-local and on
   * by default; DJL turns it off only on the thread that loads the engine and after each {@code
   * GradientCollector}. Work on another thread (a Kestra worker's) would otherwise record graphs
   * while sampling and refuse in-place parameter updates ("a leaf Variable that requires grad is
   * being used in an in-place operation").
   */
  public static void gradientsOffOnThisThread() {
    pytorch();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
  }
}
