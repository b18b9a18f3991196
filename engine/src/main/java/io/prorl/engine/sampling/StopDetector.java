package io.prorl.engine.sampling;

import io.prorl.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Detects stop strings by decoding only the tail of a response: every token decodes to at least one
 * byte, so a stop string of n bytes ending at the newest token lies within its last n + 1 tokens. A
 * stop string earlier in the response would have ended it before.
 */
final class StopDetector {
  private final List<String> stops;
  private final Tokenizer tokenizer;
  private final int window;

  StopDetector(List<String> stops, Tokenizer tokenizer) {
    this.stops = stops;
    this.tokenizer = tokenizer;
    int longest = 0;
    for (String s : stops) {
      longest = Math.max(longest, s.getBytes(StandardCharsets.UTF_8).length);
    }
    this.window = longest + 1;
  }

  /** Whether the response tokens[start, end) now contain a stop string. */
  boolean matches(int[] tokens, int start, int end) {
    if (stops.isEmpty()) {
      return false;
    }
    String tail = tokenizer.decode(tokens, Math.max(start, end - window), end);
    for (String s : stops) {
      if (tail.contains(s)) {
        return true;
      }
    }
    return false;
  }
}
