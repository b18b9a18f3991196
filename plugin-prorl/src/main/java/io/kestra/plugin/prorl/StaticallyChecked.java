package io.kestra.plugin.prorl;

import java.util.List;

/**
 * A task whose properties can be checked before it runs, as far as they are literal values (an
 * expression is checked when it is rendered). Kestra's model validation reports the violations
 * through {@link ValidProrlTask}.
 */
public interface StaticallyChecked {
  /** One message per violation, each starting with the property's name. */
  List<String> staticViolations();
}
