package io.prorl.tasks;

/**
 * The answer found in a completion, or why none was found.
 *
 * @param text the answer text, trimmed; null when none was found
 * @param failure why no answer could be read; null when one was found
 */
public record Answer(String text, String failure) {

  public static Answer found(String text) {
    return new Answer(text, null);
  }

  public static Answer missing(String failure) {
    return new Answer(null, failure);
  }

  public boolean isFound() {
    return text != null;
  }
}
