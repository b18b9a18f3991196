package io.prorl.tasks.code;

/**
 * The sandbox cannot run here (bwrap or python3 missing or unusable, not enough privilege to drop
 * to the sandbox's uids). Model-written code is then never run: scoring a code problem fails with
 * this error, which names what is missing and how to get it.
 */
public class SandboxUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public SandboxUnavailableException(String message) {
    super(message);
  }
}
