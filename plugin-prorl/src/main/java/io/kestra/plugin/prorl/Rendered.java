package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.runners.RunContext;

/**
 * Rendering of properties whose default lives in an engine record: the task's
 * {@code @Builder.Default} refers to that record, so a missing value here is an error naming the
 * property, never a second default.
 */
final class Rendered {
  private Rendered() {}

  static <T> T required(RunContext rc, Property<T> p, Class<T> type, String name) throws Exception {
    return rendered(rc, p, type, name)
        .orElseThrow(() ->
            new IllegalArgumentException(
                name
                    + ": no value (the property is empty or its expression rendered to"
                    + " nothing)"));
  }

  /**
   * The rendered value; a value that does not render as {@code type} (a word where a number
   * belongs, an expression naming a missing variable) fails naming the property.
   */
  static <T> java.util.Optional<T> rendered(
      RunContext rc, Property<T> p, Class<T> type, String name) throws Exception {
    try {
      return rc.render(p).as(type);
    } catch (io.kestra.core.exceptions.IllegalVariableEvaluationException e) {
      throw new IllegalArgumentException(
          name + ": cannot be read as " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** The rendered value, or null when the property is unset (an optional property). */
  static <T> T optional(RunContext rc, Property<T> p, Class<T> type) throws Exception {
    return rc.render(p).as(type).orElse(null);
  }
}
