package io.prorl.engine.io;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.prorl.tasks.ProblemSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * A JSON Schema (2020-12) of {@code schemas/}, loaded from the classpath once, that the files the
 * engine writes and reads are checked against at run time.
 */
public final class JsonSchemaFile {
  private static final Map<String, JsonSchemaFile> LOADED = new ConcurrentHashMap<>();

  private final String resource;
  private final Schema schema;

  private JsonSchemaFile(String resource, Schema schema) {
    this.resource = resource;
    this.schema = schema;
  }

  /** The schema at a classpath resource such as {@code /schemas/boundary-history.schema.json}. */
  public static JsonSchemaFile load(String resource) {
    return LOADED.computeIfAbsent(resource, JsonSchemaFile::read);
  }

  private static JsonSchemaFile read(String resource) {
    try (InputStream in = JsonSchemaFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new JsonSchemaFile(
          resource,
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Each violation as {@code field <path>: <message>} (e.g. {@code entries[0].set}); empty if
   * valid.
   */
  public List<String> violations(JsonNode document) {
    List<Error> errors = schema.validate(document);
    return errors.stream()
        .map(e -> "field " + ProblemSchema.field(e.getInstanceLocation()) + ": " + e.getMessage())
        .distinct()
        .toList();
  }

  /**
   * @param what the document, for the message (e.g. "boundary history file:///.../x.json")
   * @throws IllegalArgumentException naming the document, the schema and each bad field
   */
  public void require(JsonNode document, String what) {
    List<String> v = violations(document);
    if (!v.isEmpty()) {
      throw new IllegalArgumentException(
          what + " does not match " + resource + ": " + String.join("; ", v));
    }
  }
}
