package io.jtau.dream;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives an end-to-end test class a local cloud: put it next to {@code @QuarkusTest} (which starts
 * the node in-process on a free port with the {@code %test} profile). Before the tests run, the
 * extension waits until the dream has seeded and serves its samples, pushes the extra samples named
 * here with the real git client, and waits until they serve too. Test methods receive a {@link
 * Cloud} parameter to clone, push and call the cloud.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalCloudExtension.class)
public @interface LocalCloud {

  /** Samples (folders of {@code samples/}) to push in addition to the dream's own. */
  String[] samples() default {};
}
