package io.prorl.tasks;

import java.util.Optional;

/**
 * A setting of the machine a run happens on (how many threads, how many sandboxes), read from a
 * system property, else an environment variable. The value comes with where it came from, for error
 * messages.
 *
 * @param source the property or variable name that gave the value
 * @param value its text, stripped
 */
public record MachineSetting(String source, String value) {

  /** The property's value, else the variable's; empty when neither is set or both are blank. */
  public static Optional<MachineSetting> read(String property, String environmentVariable) {
    String value = System.getProperty(property);
    String source = property;
    if (value == null) {
      value = System.getenv(environmentVariable);
      source = environmentVariable;
    }
    return value == null || value.isBlank()
        ? Optional.empty()
        : Optional.of(new MachineSetting(source, value.strip()));
  }
}
