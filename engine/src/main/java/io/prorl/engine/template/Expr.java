package io.prorl.engine.template;

import java.util.List;
import java.util.Map;

/** An expression of a template, as jinja2 parses it. */
sealed interface Expr {
  record Literal(Object value) implements Expr {}

  record Name(String name) implements Expr {}

  /** A list literal, or a tuple ({@code tuple} = written with parentheses or bare commas). */
  record ListLiteral(List<Expr> items, boolean tuple) implements Expr {}

  record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {}

  /** {@code obj.name}. */
  record Attr(Expr obj, String name) implements Expr {}

  /** {@code obj[key]}. */
  record Item(Expr obj, Expr key) implements Expr {}

  /** {@code obj[start:stop:step]}, each part optional (null). */
  record Slice(Expr obj, Expr start, Expr stop, Expr step) implements Expr {}

  record Call(Expr fn, List<Expr> args, Map<String, Expr> kwargs) implements Expr {}

  /** {@code value | name(args)}. */
  record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs)
      implements Expr {}

  /** {@code value is [not] name(args)}. */
  record Test(Expr value, String name, List<Expr> args, boolean negated) implements Expr {}

  /** {@code not}, unary {@code -} and {@code +}. */
  record Unary(String op, Expr operand) implements Expr {}

  /** {@code and}, {@code or}, arithmetic and {@code ~}. */
  record Binary(String op, Expr left, Expr right) implements Expr {}

  /** A chain of comparisons: {@code a < b <= c}, {@code a in b}, {@code a not in b}. */
  record Compare(Expr first, List<String> ops, List<Expr> rest) implements Expr {}

  /** {@code then if cond else otherwise}; {@code otherwise} null when there is no else. */
  record Conditional(Expr cond, Expr then, Expr otherwise) implements Expr {}
}
