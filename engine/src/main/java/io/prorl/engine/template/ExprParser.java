package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the tokens of one tag into expressions with jinja2's precedence: conditional, {@code or},
 * {@code and}, {@code not}, comparisons, {@code + -}, {@code ~}, {@code * / // %}, {@code **},
 * unary {@code -}, then primaries with attributes, items, slices, calls, filters and tests.
 */
final class ExprParser {
  private final List<Token> tokens;
  private final int line;
  private int at;

  ExprParser(String source, int line) {
    this.tokens = ExprLexer.tokens(source, line);
    this.line = line;
  }

  int line() {
    return line;
  }

  Token peek() {
    return tokens.get(at);
  }

  Token next() {
    return tokens.get(at++);
  }

  boolean accept(String op) {
    if (peek().is(op) && peek().type() != Token.Type.STRING) {
      at++;
      return true;
    }
    return false;
  }

  void expect(String op) {
    if (!accept(op)) {
      throw error("expected '" + op + "', found '" + peek().text() + "'");
    }
  }

  String name() {
    Token t = next();
    if (t.type() != Token.Type.NAME) {
      throw error("expected a name, found '" + t.text() + "'");
    }
    return t.text();
  }

  boolean atEnd() {
    return peek().type() == Token.Type.END;
  }

  void expectEnd() {
    if (!atEnd()) {
      throw error("unexpected '" + peek().text() + "'");
    }
  }

  TemplateException error(String message) {
    return new TemplateException(line, message);
  }

  /** An expression, with a bare comma making a tuple ({@code for k, v in ...}'s right side). */
  Expr tupleOrExpression() {
    Expr first = expression();
    if (!peek().is(",")) {
      return first;
    }
    List<Expr> items = new ArrayList<>(List.of(first));
    while (accept(",")) {
      if (atEnd()) {
        break;
      }
      items.add(expression());
    }
    return new Expr.ListLiteral(items, true);
  }

  Expr expression() {
    Expr then = or();
    if (accept("if")) {
      Expr cond = or();
      Expr otherwise = accept("else") ? expression() : null;
      return new Expr.Conditional(cond, then, otherwise);
    }
    return then;
  }

  /** An expression without a trailing {@code if} (the filter of a for loop). */
  Expr or() {
    Expr left = and();
    while (accept("or")) {
      left = new Expr.Binary("or", left, and());
    }
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (accept("and")) {
      left = new Expr.Binary("and", left, not());
    }
    return left;
  }

  private Expr not() {
    if (accept("not")) {
      return new Expr.Unary("not", not());
    }
    return compare();
  }

  private Expr compare() {
    Expr first = add();
    List<String> ops = new ArrayList<>();
    List<Expr> rest = new ArrayList<>();
    while (true) {
      Token t = peek();
      String op;
      if (t.type() == Token.Type.OP
          && List.of("==", "!=", "<", ">", "<=", ">=").contains(t.text())) {
        op = t.text();
        at++;
      } else if (t.type() == Token.Type.NAME && t.text().equals("in")) {
        op = "in";
        at++;
      } else if (t.type() == Token.Type.NAME
          && t.text().equals("not")
          && tokens.get(at + 1).type() == Token.Type.NAME
          && tokens.get(at + 1).text().equals("in")) {
        op = "not in";
        at += 2;
      } else {
        break;
      }
      ops.add(op);
      rest.add(add());
    }
    return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest);
  }

  private Expr add() {
    Expr left = concat();
    while (peek().type() == Token.Type.OP && (peek().is("+") || peek().is("-"))) {
      String op = next().text();
      left = new Expr.Binary(op, left, concat());
    }
    return left;
  }

  private Expr concat() {
    Expr left = mul();
    while (accept("~")) {
      left = new Expr.Binary("~", left, mul());
    }
    return left;
  }

  private Expr mul() {
    Expr left = pow();
    while (peek().type() == Token.Type.OP && List.of("*", "/", "//", "%").contains(peek().text())) {
      String op = next().text();
      left = new Expr.Binary(op, left, pow());
    }
    return left;
  }

  private Expr pow() {
    Expr left = unary(true);
    while (accept("**")) {
      left = new Expr.Binary("**", left, unary(true));
    }
    return left;
  }

  private Expr unary(boolean withFilter) {
    Expr node;
    if (peek().type() == Token.Type.OP && (peek().is("-") || peek().is("+"))) {
      String op = next().text();
      node = new Expr.Unary(op, unary(false));
    } else {
      node = postfix(primary());
    }
    return withFilter ? filters(node) : node;
  }

  private Expr primary() {
    Token t = next();
    switch (t.type()) {
      case STRING -> {
        StringBuilder b = new StringBuilder((String) t.value());
        while (peek().type() == Token.Type.STRING) { // adjacent literals concatenate
          b.append((String) next().value());
        }
        return new Expr.Literal(b.toString());
      }
      case NUMBER -> {
        return new Expr.Literal(t.value());
      }
      case NAME -> {
        return switch (t.text()) {
          case "true", "True" -> new Expr.Literal(Boolean.TRUE);
          case "false", "False" -> new Expr.Literal(Boolean.FALSE);
          case "none", "None" -> new Expr.Literal(null);
          default -> new Expr.Name(t.text());
        };
      }
      case OP -> {
        if (t.is("(")) {
          if (accept(")")) {
            return new Expr.ListLiteral(List.of(), true);
          }
          Expr inner = expression();
          if (!peek().is(",")) {
            expect(")");
            return inner;
          }
          List<Expr> items = new ArrayList<>(List.of(inner));
          while (accept(",")) {
            if (peek().is(")")) {
              break;
            }
            items.add(expression());
          }
          expect(")");
          return new Expr.ListLiteral(items, true);
        }
        if (t.is("[")) {
          List<Expr> items = new ArrayList<>();
          while (!accept("]")) {
            items.add(expression());
            if (!accept(",")) {
              expect("]");
              break;
            }
          }
          return new Expr.ListLiteral(items, false);
        }
        if (t.is("{")) {
          List<Expr> keys = new ArrayList<>();
          List<Expr> values = new ArrayList<>();
          while (!accept("}")) {
            keys.add(expression());
            expect(":");
            values.add(expression());
            if (!accept(",")) {
              expect("}");
              break;
            }
          }
          return new Expr.DictLiteral(keys, values);
        }
        throw error("unexpected '" + t.text() + "'");
      }
      default -> throw error("unexpected end of expression");
    }
  }

  private Expr postfix(Expr node) {
    while (true) {
      if (accept(".")) {
        Token t = next();
        if (t.type() == Token.Type.NUMBER) { // foo.0 is foo[0]
          node = new Expr.Item(node, new Expr.Literal(t.value()));
        } else if (t.type() == Token.Type.NAME) {
          node = new Expr.Attr(node, t.text());
        } else {
          throw error("expected an attribute name after '.', found '" + t.text() + "'");
        }
      } else if (accept("[")) {
        node = subscript(node);
      } else if (peek().is("(") && peek().type() == Token.Type.OP) {
        node = call(node);
      } else {
        return node;
      }
    }
  }

  private Expr subscript(Expr node) {
    Expr start = null;
    if (!peek().is(":")) {
      start = expression();
      if (accept("]")) {
        return new Expr.Item(node, start);
      }
    }
    expect(":");
    Expr stop = peek().is(":") || peek().is("]") ? null : expression();
    Expr step = null;
    if (accept(":") && !peek().is("]")) {
      step = expression();
    }
    expect("]");
    return new Expr.Slice(node, start, stop, step);
  }

  private Expr.Call call(Expr fn) {
    List<Expr> args = new ArrayList<>();
    Map<String, Expr> kwargs = new LinkedHashMap<>();
    arguments(args, kwargs);
    return new Expr.Call(fn, args, kwargs);
  }

  private void arguments(List<Expr> args, Map<String, Expr> kwargs) {
    expect("(");
    while (!accept(")")) {
      if (peek().type() == Token.Type.NAME
          && tokens.get(at + 1).is("=")
          && tokens.get(at + 1).type() == Token.Type.OP) {
        String key = name();
        expect("=");
        kwargs.put(key, expression());
      } else {
        if (!kwargs.isEmpty()) {
          throw error("positional argument after keyword argument");
        }
        args.add(expression());
      }
      if (!accept(",")) {
        expect(")");
        break;
      }
    }
  }

  private Expr filters(Expr node) {
    while (true) {
      if (accept("|")) {
        String name = name();
        while (accept(".")) {
          name += "." + name();
        }
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        if (peek().is("(") && peek().type() == Token.Type.OP) {
          arguments(args, kwargs);
        }
        if (!Filters.NAMES.contains(name)) {
          throw error("unsupported filter '" + name + "'");
        }
        node = new Expr.Filter(node, name, args, kwargs);
      } else if (peek().type() == Token.Type.NAME && peek().text().equals("is")) {
        at++;
        boolean negated = accept("not");
        String name = name();
        List<Expr> args = new ArrayList<>();
        if (peek().is("(") && peek().type() == Token.Type.OP) {
          Map<String, Expr> kwargs = new LinkedHashMap<>();
          arguments(args, kwargs);
        } else if (startsTestArgument(peek())) {
          args.add(postfix(primary()));
        }
        if (!Tests.NAMES.contains(name)) {
          throw error("unsupported test '" + name + "'");
        }
        node = new Expr.Test(node, name, args, negated);
      } else if (peek().is("(") && peek().type() == Token.Type.OP) {
        node = call(node);
      } else {
        return node;
      }
    }
  }

  /** jinja2 reads {@code x is divisibleby 3} and {@code x is sameas none}: one bare argument. */
  private static boolean startsTestArgument(Token t) {
    return switch (t.type()) {
      case STRING, NUMBER -> true;
      case NAME -> !List.of("else", "or", "and", "if", "in", "not", "is").contains(t.text());
      case OP -> t.is("[") || t.is("{");
      case END -> false;
    };
  }
}
