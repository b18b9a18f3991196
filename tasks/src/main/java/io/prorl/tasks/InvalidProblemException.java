package io.prorl.tasks;

/** A problem record or difficulty setting that cannot be used; the message names the field. */
public class InvalidProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidProblemException(String message) {
    super(message);
  }

  public InvalidProblemException(String message, Throwable cause) {
    super(message, cause);
  }
}
