package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.List;

/** Tokens of the expression inside a tag, as jinja2's lexer reads them. */
final class ExprLexer {
  private static final String[] OPS = {
    "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", "{", "}",
    ",", ".", ":", "|", "=", "<", ">"
  };

  private ExprLexer() {}

  static List<Token> tokens(String s, int line) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(new Token(Token.Type.NAME, s.substring(i, j), null));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i;
        boolean real = false;
        while (j < s.length()
            && (Character.isDigit(s.charAt(j))
                || s.charAt(j) == '_'
                || (s.charAt(j) == '.'
                    && !real
                    && j + 1 < s.length()
                    && Character.isDigit(s.charAt(j + 1))))) {
          real |= s.charAt(j) == '.';
          j++;
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
          int k = j + 1;
          if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
            k++;
          }
          if (k < s.length() && Character.isDigit(s.charAt(k))) {
            while (k < s.length() && Character.isDigit(s.charAt(k))) {
              k++;
            }
            real = true;
            j = k;
          }
        }
        String digits = s.substring(i, j).replace("_", "");
        Object value = real ? (Object) Double.parseDouble(digits) : (Object) Long.parseLong(digits);
        out.add(new Token(Token.Type.NUMBER, digits, value));
        i = j;
      } else if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= s.length()) {
            throw new TemplateException(line, "unterminated string literal");
          }
          char d = s.charAt(j);
          if (d == c) {
            break;
          }
          if (d == '\\' && j + 1 < s.length()) {
            j = escape(s, j + 1, b, line);
          } else {
            b.append(d);
            j++;
          }
        }
        out.add(new Token(Token.Type.STRING, s.substring(i, j + 1), b.toString()));
        i = j + 1;
      } else {
        String op = null;
        for (String o : OPS) {
          if (s.startsWith(o, i)) {
            op = o;
            break;
          }
        }
        if (op == null) {
          throw new TemplateException(line, "unexpected character '" + c + "'");
        }
        out.add(new Token(Token.Type.OP, op, null));
        i += op.length();
      }
    }
    out.add(new Token(Token.Type.END, "end of expression", null));
    return out;
  }

  /** Appends the escape at {@code s[j]} (after the backslash) as Python reads it; next index. */
  private static int escape(String s, int j, StringBuilder b, int line) {
    char e = s.charAt(j);
    switch (e) {
      case 'n' -> b.append('\n');
      case 't' -> b.append('\t');
      case 'r' -> b.append('\r');
      case '0' -> b.append('\0');
      case '\\', '\'', '"' -> b.append(e);
      case 'u', 'x', 'U' -> {
        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (j + 1 + n > s.length()) {
          throw new TemplateException(line, "truncated \\" + e + " escape");
        }
        b.appendCodePoint(Integer.parseInt(s.substring(j + 1, j + 1 + n), 16));
        return j + 1 + n;
      }
      case '\n' -> {}
      default -> b.append('\\').append(e);
    }
    return j + 1;
  }
}
