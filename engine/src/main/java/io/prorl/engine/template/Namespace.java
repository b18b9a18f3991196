package io.prorl.engine.template;

import java.util.LinkedHashMap;
import java.util.Map;

/** jinja2's {@code namespace(...)}: the one object a template may assign attributes on. */
final class Namespace {
  final Map<String, Object> attributes = new LinkedHashMap<>();
}
