package io.prorl.engine.rl;

import io.prorl.engine.model.Qwen2Model;

/** Validates a policy during a phase; its {@link Validation#blend()} drives the plateau stop. */
@FunctionalInterface
public interface ValidationCheck {
  Validation validate(Qwen2Model policy);
}
