package io.prorl.engine.rl;

/** The loss became NaN or infinite; the trainer stops and keeps the last good checkpoint. */
public class NonFiniteLossException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NonFiniteLossException(String message) {
    super(message);
  }
}
