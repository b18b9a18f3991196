package io.prorl.tasks;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code schemas/problem.schema.json} (JSON Schema 2020-12), loaded from the classpath. */
public final class ProblemSchema {
  public static final String RESOURCE = "/schemas/problem.schema.json";
  private static final Schema SCHEMA = load();

  private ProblemSchema() {}

  private static Schema load() {
    try (InputStream in = ProblemSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code verifier.edges[1][0]} for the node path /verifier/edges/1/0; the root is "record". */
  public static String field(NodePath path) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      if (element instanceof Integer index) {
        b.append('[').append(index).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(element);
      }
    }
    return b.isEmpty() ? "record" : b.toString();
  }

  /**
   * The schema violations of one record, each as {@code field <path>: <message>}; empty when valid.
   */
  public static List<String> violations(JsonNode record) {
    List<Error> errors = SCHEMA.validate(record);
    return errors.stream()
        .filter(e -> !"if".equals(e.getKeyword()) && !"allOf".equals(e.getKeyword()))
        .map(e -> "field " + field(e.getInstanceLocation()) + ": " + e.getMessage())
        .distinct()
        .toList();
  }
}
