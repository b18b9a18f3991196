package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses {@link Segment}s into statements. Supported: {@code if/elif/else}, {@code for} (with an
 * inline {@code if}, unpacking and {@code else}), {@code set} (names, tuples, namespace attributes
 * and blocks), {@code break} and {@code continue} (the {@code loopcontrols} extension). Any other
 * statement is refused naming it, never skipped.
 */
final class TemplateParser {
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "macro",
          "call",
          "filter",
          "include",
          "import",
          "from",
          "extends",
          "block",
          "raw",
          "with",
          "autoescape",
          "do",
          "generation",
          "trans",
          "print");

  private final List<Segment> segments;
  private int at;

  private TemplateParser(List<Segment> segments) {
    this.segments = segments;
  }

  static List<Node> parse(String source) {
    TemplateParser p = new TemplateParser(TemplateLexer.segments(source));
    List<Node> body = p.body(Set.of(), null, 0);
    if (p.at < p.segments.size()) {
      Segment s = p.segments.get(p.at);
      throw new TemplateException(s.line(), "unexpected '" + keyword(s) + "'");
    }
    return body;
  }

  private static String keyword(Segment s) {
    String c = s.content().strip();
    int space = c.indexOf(' ');
    return space < 0 ? c : c.substring(0, space);
  }

  /**
   * Statements up to (not including) a statement tag whose keyword is in {@code ends}.
   *
   * @param opener the block being read ({@code for}, {@code if}, ...), for the error when the
   *     template ends inside it; null at the top level
   */
  private List<Node> body(Set<String> ends, String opener, int openedAt) {
    List<Node> out = new ArrayList<>();
    while (at < segments.size()) {
      Segment s = segments.get(at);
      switch (s.kind()) {
        case TEXT -> {
          out.add(new Node.Text(s.content()));
          at++;
        }
        case OUTPUT -> {
          ExprParser p = new ExprParser(s.content(), s.line());
          Expr e = p.expression();
          p.expectEnd();
          out.add(new Node.Output(e, s.line()));
          at++;
        }
        case STATEMENT -> {
          String kw = keyword(s);
          if (ends.contains(kw)) {
            return out;
          }
          out.add(statement(s, kw));
        }
      }
    }
    if (opener != null) {
      throw new TemplateException(
          openedAt,
          "'{% " + opener + " %}' is never closed: the template ends before one of " + ends);
    }
    return out;
  }

  private Node statement(Segment s, String kw) {
    ExprParser p = new ExprParser(s.content(), s.line());
    p.next(); // the keyword
    at++;
    switch (kw) {
      case "if" -> {
        return ifStatement(p);
      }
      case "for" -> {
        return forStatement(p);
      }
      case "set" -> {
        return setStatement(p);
      }
      case "break" -> {
        p.expectEnd();
        return new Node.Break(s.line());
      }
      case "continue" -> {
        p.expectEnd();
        return new Node.Continue(s.line());
      }
      default -> {
        if (UNSUPPORTED.contains(kw)) {
          throw new TemplateException(
              s.line(), "unsupported construct '{% " + kw + " %}' in this chat template renderer");
        }
        throw new TemplateException(s.line(), "unknown statement '{% " + kw + " %}'");
      }
    }
  }

  private Node ifStatement(ExprParser p) {
    int line = p.line();
    List<Expr> conditions = new ArrayList<>();
    List<List<Node>> branches = new ArrayList<>();
    Expr cond = p.expression();
    p.expectEnd();
    while (true) {
      conditions.add(cond);
      branches.add(body(Set.of("elif", "else", "endif"), "if", line));
      Segment end = closing("if", line);
      String kw = keyword(end);
      ExprParser q = new ExprParser(end.content(), end.line());
      q.next();
      at++;
      switch (kw) {
        case "elif" -> {
          cond = q.expression();
          q.expectEnd();
        }
        case "else" -> {
          q.expectEnd();
          List<Node> otherwise = body(Set.of("endif"), "if", line);
          closing("if", line);
          at++;
          return new Node.If(conditions, branches, otherwise, line);
        }
        default -> {
          q.expectEnd();
          return new Node.If(conditions, branches, List.of(), line);
        }
      }
    }
  }

  private Node forStatement(ExprParser p) {
    int line = p.line();
    List<String> targets = new ArrayList<>();
    boolean parens = p.accept("(");
    do {
      targets.add(p.name());
    } while (p.accept(","));
    if (parens) {
      p.expect(")");
    }
    p.expect("in");
    Expr iterable = p.or();
    Expr filter = null;
    if (p.accept("if")) {
      filter = p.expression();
    }
    if (p.accept("recursive")) {
      throw p.error("unsupported construct 'for ... recursive' in this chat template renderer");
    }
    p.expectEnd();
    List<Node> body = body(Set.of("else", "endfor"), "for", line);
    Segment end = closing("for", line);
    at++;
    List<Node> otherwise = List.of();
    if (keyword(end).equals("else")) {
      otherwise = body(Set.of("endfor"), "for", line);
      closing("for", line);
      at++;
    }
    return new Node.For(targets, iterable, filter, body, otherwise, line);
  }

  private Node setStatement(ExprParser p) {
    int line = p.line();
    List<String> targets = new ArrayList<>();
    targets.add(p.name());
    String attribute = null;
    if (p.accept(".")) {
      attribute = p.name();
    } else {
      while (p.accept(",")) {
        targets.add(p.name());
      }
    }
    if (p.atEnd()) {
      if (attribute != null || targets.size() > 1) {
        throw p.error("a block set assigns one name");
      }
      List<Node> body = body(Set.of("endset"), "set", line);
      closing("set", line);
      at++;
      return new Node.SetBlock(targets.get(0), body);
    }
    if (p.peek().is("|")) {
      throw p.error(
          "unsupported construct 'set ... | filter' block in this chat template renderer");
    }
    p.expect("=");
    Expr value = p.tupleOrExpression();
    p.expectEnd();
    return new Node.Set(targets, attribute, value, line);
  }

  private Segment closing(String block, int line) {
    if (at >= segments.size()) {
      throw new TemplateException(line, "'{% " + block + " %}' is never closed");
    }
    return segments.get(at);
  }
}
