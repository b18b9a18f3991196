package io.prorl.engine.report;

/**
 * Makes AWT run without a display. Java reads {@code java.awt.headless} once, the first time AWT
 * asks whether a screen exists, so every chart calls {@link #ensure()} before it touches AWT. A
 * value the JVM was started with (e.g. {@code -Djava.awt.headless=false}) is left alone.
 */
final class Headless {

  static final String PROPERTY = "java.awt.headless";

  private Headless() {}

  static void ensure() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "true");
    }
  }
}
