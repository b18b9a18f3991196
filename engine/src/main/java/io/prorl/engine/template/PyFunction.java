package io.prorl.engine.template;

import java.util.List;
import java.util.Map;

/** Something a template can call: a global, a bound method, {@code loop.cycle}. */
@FunctionalInterface
interface PyFunction {
  Object call(List<Object> args, Map<String, Object> kwargs);
}
