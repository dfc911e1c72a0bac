package io.jtau.schema;

import java.util.Map;
import java.util.Objects;

/**
 * A check the compiler cannot do itself and hands to its caller (config-format.md 9.1): {@code
 * project_id} (the repository's owner must be this project) and {@code dns} (domain ownership).
 *
 * @param key {@code project_id} or {@code domain}
 * @param value the project id or the fqdn
 * @param validator {@code project_id} or {@code dns}
 * @param context {@code project} and, for an application's domain, {@code app}
 */
public record Check(String key, String value, String validator, Map<String, String> context) {
  public Check {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(validator, "validator");
    context = Map.copyOf(context);
  }

  @Override
  public String toString() {
    return validator + "(" + value + (context.isEmpty() ? "" : ", " + context) + ")";
  }
}
