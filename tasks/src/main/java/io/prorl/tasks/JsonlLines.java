package io.prorl.tasks;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a JSONL file with the guards a reader of untrusted files needs: a line longer than
 * {@link #MAX_LINE_LENGTH} (bytes from a stream, characters from a reader) is refused before it is
 * held in memory whole; from a stream, each line is decoded as strict UTF-8 on its own, so bytes
 * that are not UTF-8 are refused naming their line; a leading byte-order mark is dropped and {@code
 * \r\n} line ends are read as {@code \n}. Errors read {@code <source>:<line>: <what>}.
 */
public final class JsonlLines {
  /** 8 Mi: far above any problem or completion, far below what exhausts a heap. */
  public static final int MAX_LINE_LENGTH = 8 << 20;

  private static final char BOM = '\uFEFF';

  private final InputStream bytes;
  private final BufferedReader chars;
  private final String source;
  private int number;

  /** Lines of UTF-8 bytes. */
  public JsonlLines(InputStream in, String source) {
    this.bytes = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 16);
    this.chars = null;
    this.source = source;
  }

  /** Lines of text already decoded. */
  public JsonlLines(Reader reader, String source) {
    this.bytes = null;
    this.chars = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
    this.source = source;
  }

  /** The next line without its line end, or null after the last one. */
  public String next() throws IOException {
    String line = bytes != null ? nextDecoded() : nextChars();
    if (line == null) {
      return null;
    }
    number++;
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (number == 1 && !line.isEmpty() && line.charAt(0) == BOM) {
      line = line.substring(1);
    }
    return line;
  }

  /** The number of the line {@link #next} returned last (1 for the first). */
  public int lineNumber() {
    return number;
  }

  private String nextDecoded() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = bytes.read()) != -1 && b != '\n') {
      checkLength(line.size(), "bytes");
      line.write(b);
    }
    if (b == -1 && line.size() == 0) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidProblemException(where(number + 1) + "not valid UTF-8", e);
    }
  }

  private String nextChars() throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = chars.read()) != -1 && c != '\n') {
      checkLength(line.length(), "characters");
      line.append((char) c);
    }
    return c == -1 && line.isEmpty() ? null : line.toString();
  }

  private void checkLength(int length, String unit) {
    if (length == MAX_LINE_LENGTH) {
      throw new InvalidProblemException(
          where(number + 1) + "line longer than " + MAX_LINE_LENGTH + " " + unit);
    }
  }

  private String where(int line) {
    return source + ":" + line + ": ";
  }
}
