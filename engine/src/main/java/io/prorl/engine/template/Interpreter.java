package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs parsed statements against a scope, appending the output. */
final class Interpreter {
  /** How a statement list ended: normally, or at a {@code break} or {@code continue}. */
  private enum Flow {
    NORMAL,
    BREAK,
    CONTINUE
  }

  /** jinja2's sandbox refuses ranges longer than this. */
  static final int MAX_RANGE = 100_000;

  private final StringBuilder out;
  private final long maxOutputChars;

  Interpreter(StringBuilder out, long maxOutputChars) {
    this.out = out;
    this.maxOutputChars = maxOutputChars;
  }

  void run(List<Node> nodes, Scope scope) {
    Flow f = exec(nodes, scope);
    if (f != Flow.NORMAL) {
      throw new TemplateException(
          "'" + f.name().toLowerCase(java.util.Locale.ROOT) + "' outside a loop");
    }
  }

  private Flow exec(List<Node> nodes, Scope scope) {
    for (Node n : nodes) {
      Flow f = exec(n, scope);
      if (f != Flow.NORMAL) {
        return f;
      }
    }
    return Flow.NORMAL;
  }

  private Flow exec(Node node, Scope scope) {
    switch (node) {
      case Node.Text t -> emit(t.text());
      case Node.Output o -> emit(Py.str(eval(o.value(), scope, o.line())));
      case Node.If i -> {
        for (int k = 0; k < i.conditions().size(); k++) {
          if (Py.truthy(eval(i.conditions().get(k), scope, i.line()))) {
            return exec(i.branches().get(k), scope);
          }
        }
        return exec(i.otherwise(), scope);
      }
      case Node.For f -> {
        return loop(f, scope);
      }
      case Node.Set s -> assign(s, scope);
      case Node.SetBlock b -> {
        StringBuilder captured = new StringBuilder();
        Interpreter inner = new Interpreter(captured, maxOutputChars);
        inner.run(b.body(), scope);
        scope.set(b.target(), captured.toString());
      }
      case Node.Break b -> {
        return Flow.BREAK;
      }
      case Node.Continue c -> {
        return Flow.CONTINUE;
      }
    }
    return Flow.NORMAL;
  }

  private void emit(String s) {
    out.append(s);
    if (out.length() > maxOutputChars) {
      throw new TemplateException("rendering exceeds " + maxOutputChars + " characters");
    }
  }

  private void assign(Node.Set s, Scope scope) {
    Object value = eval(s.value(), scope, s.line());
    if (s.attribute() != null) {
      Object target = scope.get(s.targets().get(0));
      if (!(target instanceof Namespace ns)) {
        throw new TemplateException(
            s.line(),
            "cannot assign attribute on non-namespace object '" + s.targets().get(0) + "'");
      }
      ns.attributes.put(s.attribute(), value);
      return;
    }
    bind(s.targets(), value, scope, s.line());
  }

  private static void bind(List<String> targets, Object value, Scope scope, int line) {
    if (targets.size() == 1) {
      scope.set(targets.get(0), value);
      return;
    }
    List<Object> items = Py.iterate(value);
    if (items.size() != targets.size()) {
      throw new TemplateException(
          line, "cannot unpack " + items.size() + " values into " + targets.size() + " names");
    }
    for (int i = 0; i < targets.size(); i++) {
      scope.set(targets.get(i), items.get(i));
    }
  }

  private Flow loop(Node.For f, Scope scope) {
    Object iterable = eval(f.iterable(), scope, f.line());
    List<Object> items = Py.iterate(iterable);
    if (f.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        Scope probe = new Scope(scope);
        bind(f.targets(), item, probe, f.line());
        if (Py.truthy(eval(f.filter(), probe, f.line()))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      return exec(f.otherwise(), scope);
    }
    int n = items.size();
    for (int i = 0; i < n; i++) {
      Scope inner = new Scope(scope);
      bind(f.targets(), items.get(i), inner, f.line());
      inner.set("loop", loopVariable(items, i));
      Flow flow = exec(f.body(), inner);
      if (flow == Flow.BREAK) {
        break;
      }
    }
    return Flow.NORMAL;
  }

  private static Map<String, Object> loopVariable(List<Object> items, int i) {
    int n = items.size();
    Map<String, Object> loop = new LinkedHashMap<>();
    loop.put("index0", (long) i);
    loop.put("index", (long) i + 1);
    loop.put("revindex0", (long) (n - 1 - i));
    loop.put("revindex", (long) (n - i));
    loop.put("first", i == 0);
    loop.put("last", i == n - 1);
    loop.put("length", (long) n);
    loop.put("previtem", i > 0 ? items.get(i - 1) : new Undefined("'loop.previtem'"));
    loop.put("nextitem", i < n - 1 ? items.get(i + 1) : new Undefined("'loop.nextitem'"));
    loop.put("depth", 1L);
    loop.put("depth0", 0L);
    PyFunction cycle =
        (args, kwargs) -> args.isEmpty() ? new Undefined("'cycle'") : args.get(i % args.size());
    loop.put("cycle", cycle);
    return loop;
  }

  Object eval(Expr e, Scope scope, int line) {
    try {
      return evaluate(e, scope, line);
    } catch (TemplateException ex) {
      throw ex.getMessage().startsWith("line ") ? ex : new TemplateException(line, ex.getMessage());
    } catch (ClassCastException | IndexOutOfBoundsException | ArithmeticException ex) {
      throw new TemplateException(line, "bad operand: " + ex.getMessage());
    }
  }

  private Object evaluate(Expr e, Scope scope, int line) {
    switch (e) {
      case Expr.Literal l -> {
        return l.value();
      }
      case Expr.Name n -> {
        return scope.get(n.name());
      }
      case Expr.ListLiteral l -> {
        List<Object> items = new ArrayList<>();
        for (Expr x : l.items()) {
          items.add(evaluate(x, scope, line));
        }
        return l.tuple() ? new PyTuple(items) : items;
      }
      case Expr.DictLiteral d -> {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < d.keys().size(); i++) {
          m.put(evaluate(d.keys().get(i), scope, line), evaluate(d.values().get(i), scope, line));
        }
        return m;
      }
      case Expr.Attr a -> {
        Object obj = evaluate(a.obj(), scope, line);
        return Py.attribute(obj, a.name(), describe(a));
      }
      case Expr.Item i -> {
        Object obj = evaluate(i.obj(), scope, line);
        return Py.item(obj, evaluate(i.key(), scope, line), describe(i));
      }
      case Expr.Slice s -> {
        Object obj = evaluate(s.obj(), scope, line);
        return Py.slice(
            obj,
            s.start() == null ? null : evaluate(s.start(), scope, line),
            s.stop() == null ? null : evaluate(s.stop(), scope, line),
            s.step() == null ? null : evaluate(s.step(), scope, line));
      }
      case Expr.Call c -> {
        Object fn = evaluate(c.fn(), scope, line);
        if (fn instanceof Undefined u) {
          throw u.error();
        }
        if (!(fn instanceof PyFunction f)) {
          throw new TemplateException("'" + Py.typeName(fn) + "' object is not callable");
        }
        return f.call(args(c.args(), scope, line), kwargs(c.kwargs(), scope, line));
      }
      case Expr.Filter f -> {
        Object v = evaluate(f.value(), scope, line);
        return Filters.apply(
            f.name(), v, args(f.args(), scope, line), kwargs(f.kwargs(), scope, line));
      }
      case Expr.Test t -> {
        Object v = evaluate(t.value(), scope, line);
        boolean r = Tests.apply(t.name(), v, args(t.args(), scope, line));
        return r != t.negated();
      }
      case Expr.Unary u -> {
        Object v = evaluate(u.operand(), scope, line);
        return switch (u.op()) {
          case "not" -> !Py.truthy(v);
          case "-" -> Py.binary("-", 0L, v);
          default -> Py.binary("+", 0L, v);
        };
      }
      case Expr.Binary b -> {
        Object left = evaluate(b.left(), scope, line);
        switch (b.op()) {
          case "and" -> {
            return Py.truthy(left) ? evaluate(b.right(), scope, line) : left;
          }
          case "or" -> {
            return Py.truthy(left) ? left : evaluate(b.right(), scope, line);
          }
          default -> {
            return Py.binary(b.op(), left, evaluate(b.right(), scope, line));
          }
        }
      }
      case Expr.Compare c -> {
        Object left = evaluate(c.first(), scope, line);
        for (int i = 0; i < c.ops().size(); i++) {
          Object right = evaluate(c.rest().get(i), scope, line);
          boolean holds =
              switch (c.ops().get(i)) {
                case "==" -> Py.eq(left, right);
                case "!=" -> !Py.eq(left, right);
                case "<" -> Py.compare(left, right) < 0;
                case ">" -> Py.compare(left, right) > 0;
                case "<=" -> Py.compare(left, right) <= 0;
                case ">=" -> Py.compare(left, right) >= 0;
                case "in" -> Py.contains(right, left);
                default -> !Py.contains(right, left);
              };
          if (!holds) {
            return false;
          }
          left = right;
        }
        return true;
      }
      case Expr.Conditional c -> {
        if (Py.truthy(evaluate(c.cond(), scope, line))) {
          return evaluate(c.then(), scope, line);
        }
        return c.otherwise() == null
            ? new Undefined("the else branch of a conditional")
            : evaluate(c.otherwise(), scope, line);
      }
    }
  }

  private List<Object> args(List<Expr> exprs, Scope scope, int line) {
    List<Object> out = new ArrayList<>();
    for (Expr x : exprs) {
      out.add(evaluate(x, scope, line));
    }
    return out;
  }

  private Map<String, Object> kwargs(Map<String, Expr> exprs, Scope scope, int line) {
    Map<String, Object> out = new LinkedHashMap<>();
    exprs.forEach((k, x) -> out.put(k, evaluate(x, scope, line)));
    return out;
  }

  /** A readable name of what an attribute or item expression looked up, for messages. */
  private static String describe(Expr e) {
    return switch (e) {
      case Expr.Name n -> n.name();
      case Expr.Attr a -> describe(a.obj()) + "." + a.name();
      case Expr.Item i ->
          describe(i.obj())
              + "["
              + (i.key() instanceof Expr.Literal l ? Py.repr(l.value()) : "...")
              + "]";
      default -> "value";
    };
  }
}
