package io.prorl.tasks.countdown;

import io.prorl.tasks.ComposedFamily;

/** Math: reach a target from given numbers with + - * /; binary reward, safe parser. */
public final class CountdownFamily extends ComposedFamily {
  public static final String NAME = "countdown";

  public CountdownFamily() {
    super(
        NAME,
        "reach a target number from given numbers, each used at most once; binary reward",
        false,
        CountdownGenerator.DEFAULTS,
        new CountdownGenerator()::generate,
        new CountdownSolver()::solve,
        new CountdownVerifier()::score,
        CountdownSpec::of);
  }
}
