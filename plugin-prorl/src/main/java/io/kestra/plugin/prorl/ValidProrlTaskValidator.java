package io.kestra.plugin.prorl;

import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.validation.validator.constraints.ConstraintValidator;
import io.micronaut.validation.validator.constraints.ConstraintValidatorContext;
import jakarta.inject.Singleton;
import java.util.List;

/** Reports each of a task's static violations as its own constraint violation. */
@Singleton
public class ValidProrlTaskValidator
    implements ConstraintValidator<ValidProrlTask, StaticallyChecked> {
  @Override
  public boolean isValid(
      @Nullable StaticallyChecked value,
      @NonNull AnnotationValue<ValidProrlTask> annotationMetadata,
      @NonNull ConstraintValidatorContext context) {
    if (value == null) {
      return true;
    }
    List<String> violations = value.staticViolations();
    if (violations.isEmpty()) {
      return true;
    }
    context.disableDefaultConstraintViolation();
    for (String v : violations) {
      context.buildConstraintViolationWithTemplate(v.replace("{", "\\{")).addConstraintViolation();
    }
    return false;
  }
}
