package io.prorl.runner;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every task log line of an in-process run at every level (Kestra logs a task's lines to the
 * logback loggers {@code flow.*}), with the messages of attached exceptions: what a user would see
 * in the execution's logs.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> {
  private final List<String> lines = new ArrayList<>();
  private final Logger flow = (Logger) LoggerFactory.getLogger("flow");
  private Level previous;

  static LogCapture capture() {
    LogCapture c = new LogCapture();
    c.setContext(c.flow.getLoggerContext());
    c.start();
    c.previous = c.flow.getLevel();
    c.flow.setLevel(Level.TRACE);
    c.flow.addAppender(c);
    return c;
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    lines.add(b.toString());
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void stop() {
    flow.detachAppender(this);
    flow.setLevel(previous);
    super.stop();
  }
}
