package io.prorl.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the task library: strict about duplicate keys, leaves null fields out,
 * shared and thread-safe.
 */
public final class Json {
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .changeDefaultPropertyInclusion(
              inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
          .build();

  private Json() {}

  /** A parsed answer, or why it is no JSON. */
  public record Parsed(JsonNode node, String failure) {}

  /** Parses answer text; never throws. */
  public static Parsed parseAnswer(String text) {
    try {
      return new Parsed(MAPPER.readTree(text), null);
    } catch (JacksonException e) {
      String msg = e.getOriginalMessage();
      if (msg.length() > 120) {
        msg = msg.substring(0, 120) + "...";
      }
      return new Parsed(null, "answer is not valid JSON: " + msg);
    }
  }
}
