package io.prorl.tasks.stemmcq;

import io.prorl.tasks.ComposedFamily;

/** STEM: multiple-choice questions from formulas and unit conversions; binary reward. */
public final class StemMcqFamily extends ComposedFamily {
  public static final String NAME = "stem_mcq";

  public StemMcqFamily() {
    super(
        NAME,
        "multiple-choice physics and unit-conversion questions; binary reward",
        false,
        StemMcqGenerator.DEFAULTS,
        new StemMcqGenerator()::generate,
        new StemMcqSolver()::solve,
        new StemMcqVerifier()::score,
        StemMcqSpec::of);
  }
}
