package io.prorl.engine.sampling;

/** Why a generation ended. */
public enum FinishReason {
  /** An end-of-sequence token or a stop string was produced. */
  STOP,
  /** maxNewTokens was reached. */
  LENGTH
}
