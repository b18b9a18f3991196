package io.prorl.engine.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into {@link Segment}s and applies whitespace control as Hugging Face
 * transformers configures jinja2 for chat templates: {@code trim_blocks} (the first newline after a
 * statement or comment tag is removed), {@code lstrip_blocks} (spaces and tabs from the start of a
 * line up to a statement or comment tag are removed; {@code {%+} opts out), {@code -} on either
 * side of any tag strips all whitespace on that side, and one trailing newline of the template is
 * dropped ({@code keep_trailing_newline=False}). Comments are removed.
 */
final class TemplateLexer {
  private TemplateLexer() {}

  /** A tag as written, before whitespace control. */
  private record Tag(
      char kind,
      String content,
      int line,
      boolean minusLeft,
      boolean plusLeft,
      boolean minusRight) {
    boolean isBlockOrComment() {
      return kind == '%' || kind == '#';
    }
  }

  static List<Segment> segments(String source) {
    if (source.endsWith("\r\n")) {
      source = source.substring(0, source.length() - 2);
    } else if (source.endsWith("\n")) {
      source = source.substring(0, source.length() - 1);
    }
    List<Object> raw = new ArrayList<>(); // String text or Tag, alternating as written
    int i = 0;
    int line = 1;
    StringBuilder text = new StringBuilder();
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '{' && i + 1 < source.length() && "{%#".indexOf(source.charAt(i + 1)) >= 0) {
        char kind = source.charAt(i + 1);
        raw.add(text.toString());
        text.setLength(0);
        int tagLine = line;
        int start = i + 2;
        boolean minusLeft = start < source.length() && source.charAt(start) == '-';
        boolean plusLeft = start < source.length() && source.charAt(start) == '+';
        if (minusLeft || plusLeft) {
          start++;
        }
        int end = closer(source, start, kind, tagLine);
        boolean minusRight = end > start && source.charAt(end - 1) == '-';
        String content = source.substring(start, minusRight ? end - 1 : end);
        for (int k = i; k < end + 2; k++) {
          if (source.charAt(k) == '\n') {
            line++;
          }
        }
        raw.add(new Tag(kind, content.strip(), tagLine, minusLeft, plusLeft, minusRight));
        i = end + 2;
      } else {
        if (c == '\n') {
          line++;
        }
        text.append(c);
        i++;
      }
    }
    raw.add(text.toString());
    return apply(raw);
  }

  /**
   * The index of the closing {@code }}}, {@code %}} or {@code #}}, skipping string literals and, as
   * jinja2's lexer does, braces opened inside the tag ({@code {{ {'a': {'b': 1}} }}}).
   */
  private static int closer(String s, int from, char kind, int line) {
    char close = kind == '{' ? '}' : kind;
    char quote = 0;
    int depth = 0;
    for (int i = from; i + 1 < s.length(); i++) {
      char c = s.charAt(i);
      if (kind != '#') {
        if (quote != 0) {
          if (c == '\\') {
            i++;
          } else if (c == quote) {
            quote = 0;
          }
          continue;
        }
        if (c == '\'' || c == '"') {
          quote = c;
          continue;
        }
        if (c == '{' || c == '[' || c == '(') {
          depth++;
          continue;
        }
        if (depth > 0 && (c == '}' || c == ']' || c == ')')) {
          depth--;
          continue;
        }
      }
      if (c == close && s.charAt(i + 1) == '}') {
        return i;
      }
    }
    String opener = "{" + kind;
    throw new TemplateException(line, "tag " + opener + " is never closed");
  }

  private static List<Segment> apply(List<Object> raw) {
    List<Segment> out = new ArrayList<>();
    for (int k = 0; k < raw.size(); k++) {
      if (raw.get(k) instanceof Tag tag) {
        if (tag.kind != '#') {
          Segment.Kind kind = tag.kind == '{' ? Segment.Kind.OUTPUT : Segment.Kind.STATEMENT;
          out.add(new Segment(kind, tag.content, tag.line));
        }
        continue;
      }
      String text = (String) raw.get(k);
      Tag prev = k > 0 ? (Tag) raw.get(k - 1) : null;
      Tag next = k + 1 < raw.size() ? (Tag) raw.get(k + 1) : null;
      boolean lineStart = prev == null || text.indexOf('\n') >= 0;
      if (next != null) {
        if (next.minusLeft) {
          text = text.stripTrailing();
        } else if (next.isBlockOrComment() && !next.plusLeft && lineStart) {
          int lineBegin = text.lastIndexOf('\n') + 1;
          if (onlySpacesAndTabs(text, lineBegin)) {
            text = text.substring(0, lineBegin);
          }
        }
      }
      if (prev != null) {
        if (prev.minusRight) {
          text = text.stripLeading();
        } else if (prev.isBlockOrComment()) {
          if (text.startsWith("\r\n")) {
            text = text.substring(2);
          } else if (text.startsWith("\n")) {
            text = text.substring(1);
          }
        }
      }
      if (!text.isEmpty()) {
        int line = prev == null ? 1 : prev.line;
        out.add(new Segment(Segment.Kind.TEXT, text, line));
      }
    }
    return out;
  }

  private static boolean onlySpacesAndTabs(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return true;
  }
}
