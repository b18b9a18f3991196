package io.prorl.engine.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How many token ids a {@code tokenizer.json} can produce: one past the largest id of its model's
 * vocabulary and its added tokens. A model whose embedding has fewer rows would index past it.
 */
public final class TokenizerVocabulary {
  private TokenizerVocabulary() {}

  /** One past the largest token id of {@code tokenizerJson}. */
  public static int extent(Path tokenizerJson) throws IOException {
    JsonNode root;
    try {
      root = JsonMapper.builder().build().readTree(Files.readString(tokenizerJson));
    } catch (JacksonException e) {
      throw new IOException(tokenizerJson + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    long max = -1;
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (var e : vocab.properties()) {
        max = Math.max(max, e.getValue().asLong());
      }
    } else if (vocab.isArray()) { // unigram: [[piece, score], ...], ids are positions
      max = vocab.size() - 1L;
    }
    for (JsonNode t : root.path("added_tokens")) {
      max = Math.max(max, t.path("id").asLong());
    }
    return (int) (max + 1);
  }

  /**
   * @throws IOException naming the tokenizer and the config field when the tokenizer's ids reach
   *     past {@code vocabSize}
   */
  public static void checkFits(Path tokenizerJson, int vocabSize, Path configJson)
      throws IOException {
    int extent = extent(tokenizerJson);
    if (extent > vocabSize) {
      throw new IOException(
          tokenizerJson
              + ": token ids reach "
              + (extent - 1)
              + ", past "
              + configJson
              + " field vocab_size "
              + vocabSize
              + ": the model has no embedding for them");
    }
  }
}
