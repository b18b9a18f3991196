package io.prorl.engine.template;

import java.util.List;

/** A statement of a parsed template. */
sealed interface Node {
  record Text(String text) implements Node {}

  record Output(Expr value, int line) implements Node {}

  /**
   * if / elif ... / else: the first branch whose condition holds; {@code otherwise} may be empty.
   */
  record If(List<Expr> conditions, List<List<Node>> branches, List<Node> otherwise, int line)
      implements Node {}

  /**
   * {@code for targets in iterable [if filter]} ... [{@code else}]: {@code otherwise} runs when no
   * item passes.
   */
  record For(
      List<String> targets,
      Expr iterable,
      Expr filter,
      List<Node> body,
      List<Node> otherwise,
      int line)
      implements Node {}

  /** {@code set a = v}, {@code set a, b = v} or {@code set ns.attr = v} ({@code attribute} set). */
  record Set(List<String> targets, String attribute, Expr value, int line) implements Node {}

  /** {@code set name} ... {@code endset}: the rendered body as a string. */
  record SetBlock(String target, List<Node> body) implements Node {}

  record Break(int line) implements Node {}

  record Continue(int line) implements Node {}
}
