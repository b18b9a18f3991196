package io.prorl.tasks.boxnet;

import io.prorl.tasks.ComposedFamily;

/**
 * Logic, out of distribution: agents on a grid move boxes to their targets; the plan is simulated.
 * Held out of training by default, as in ProRL.
 */
public final class BoxNetFamily extends ComposedFamily {
  public static final String NAME = "boxnet";

  public BoxNetFamily() {
    super(
        NAME,
        "multi-agent box moving on a grid; share of boxes delivered (floor 0.05)",
        true,
        BoxNetGenerator.DEFAULTS,
        new BoxNetGenerator()::generate,
        new BoxNetSolver()::solve,
        new BoxNetVerifier()::score,
        BoxNetSpec::of);
  }
}
