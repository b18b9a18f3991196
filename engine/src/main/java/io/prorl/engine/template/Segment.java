package io.prorl.engine.template;

/**
 * One piece of a template's source after whitespace control: literal text, an output tag ({@code {{
 * expr }}}) or a statement tag ({@code {% stmt %}}), with the line it starts on.
 */
record Segment(Kind kind, String content, int line) {
  enum Kind {
    TEXT,
    OUTPUT,
    STATEMENT
  }
}
