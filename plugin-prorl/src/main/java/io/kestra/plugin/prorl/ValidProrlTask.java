package io.kestra.plugin.prorl;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Kestra model validation of a {@link StaticallyChecked} task's literal property values. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Constraint(validatedBy = ValidProrlTaskValidator.class)
public @interface ValidProrlTask {
  String message() default "invalid ProRL task properties";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
