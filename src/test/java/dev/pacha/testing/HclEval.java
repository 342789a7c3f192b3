package dev.pacha.testing;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates the expressions in hcl2json's output, as Terraform would at plan time, for the few
 * forms pacha's examples use: literals, string templates, references, {@code ? :}, comparisons,
 * lists, objects and a handful of functions. Anything else fails loudly (extend it, or keep the
 * example simple), so a check never passes by not understanding an expression.
 *
 * <p>Values are String, BigDecimal, Boolean, null, List, Map and {@link #UNKNOWN} (an attribute
 * known only after apply: of a data source, a resource or a module). Inside a string an unknown
 * part is {@link #UNKNOWN_CHAR}.
 */
public final class HclEval {
  /** A value known only after apply. */
  public static final Object UNKNOWN =
      new Object() {
        @Override
        public String toString() {
          return "(known after apply)";
        }
      };

  /** Stands for an unknown part of a string. */
  public static final char UNKNOWN_CHAR = '\uE000';

  /** Resolves the first two names of a reference ({@code var.host}, {@code data.aws_ami}). */
  public interface Scope {
    /**
     * The value of {@code root.name}; {@link #UNKNOWN} when known only after apply.
     *
     * @throws IllegalArgumentException when nothing of that name is declared
     */
    Object lookup(String root, String name);

    /** The directory relative file names are read from (where terraform runs). */
    Path workingDirectory();
  }

  private final Scope scope;

  public HclEval(Scope scope) {
    this.scope = scope;
  }

  /** Evaluates a value of hcl2json's output: strings are templates, containers recursively. */
  public Object eval(Object json) {
    if (json instanceof String s) {
      return template(s, false);
    }
    if (json instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (json instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(eval(v)));
      return out;
    }
    if (json instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(str(template((String) k, false)), eval(v)));
      return out;
    }
    return json;
  }

  // --- templates ------------------------------------------------------------------------------

  /**
   * A template: literal text and ${...} parts; exactly one ${...} and nothing else is its value.
   */
  private Object template(String s, boolean quoted) {
    if (s.startsWith("${") && interpolationEnd(s, 2) == s.length() - 1) {
      return new Parser(s.substring(2, s.length() - 1)).whole();
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
        lit.append(s.charAt(i)).append('{');
        i += 3;
      } else if (s.startsWith("%{", i)) {
        throw new UnsupportedOperationException("template directives (%{) are not evaluated: " + s);
      } else if (s.startsWith("${", i)) {
        int end = interpolationEnd(s, i + 2);
        parts.add(lit.toString());
        lit.setLength(0);
        parts.add(new Parser(s.substring(i + 2, end)).whole());
        i = end + 1;
      } else if (quoted && s.charAt(i) == '\\') {
        char c = s.charAt(i + 1);
        lit.append(
            switch (c) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '"', '\\' -> c;
              default -> throw new UnsupportedOperationException("escape \\" + c + " in " + s);
            });
        i += 2;
      } else {
        lit.append(s.charAt(i++));
      }
    }
    parts.add(lit.toString());
    StringBuilder out = new StringBuilder();
    parts.forEach(p -> out.append(str(p)));
    return out.toString();
  }

  /** The index of the } that closes a ${ whose expression starts at {@code from}. */
  static int interpolationEnd(String s, int from) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        i = quotedEnd(s, i + 1);
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      }
    }
    throw new IllegalArgumentException("unclosed ${ in " + s);
  }

  /** The index of the " that closes a quoted string whose text starts at {@code from}. */
  static int quotedEnd(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (s.startsWith("$${", i)) {
        i += 2;
      } else if (s.startsWith("${", i)) {
        i = interpolationEnd(s, i + 2);
      } else if (c == '"') {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed string in " + s);
  }

  // --- values ---------------------------------------------------------------------------------

  /** A value as a template puts it into a string. */
  public static String str(Object v) {
    if (v == UNKNOWN) {
      return String.valueOf(UNKNOWN_CHAR);
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Boolean b) {
      return b.toString();
    }
    throw new IllegalArgumentException("not a string: " + v);
  }

  private static Object equal(Object a, Object b) {
    if (a == UNKNOWN || b == UNKNOWN) {
      return UNKNOWN;
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return Objects.equals(a, b);
  }

  private static boolean bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("not a bool: " + v);
  }

  private static BigDecimal num(Object v) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    throw new IllegalArgumentException("not a number: " + v);
  }

  private Object call(String name, List<Object> args) {
    if (name.equals("timestamp")) {
      return UNKNOWN; // known when it runs
    }
    if (args.contains(UNKNOWN)) {
      return UNKNOWN;
    }
    return switch (name) {
      case "file" -> {
        byte[] bytes = read(args.get(0));
        try {
          // Terraform's file() refuses what is not UTF-8 (a gzip file): use filebase64.
          yield StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
        } catch (CharacterCodingException e) {
          throw new IllegalArgumentException(
              "file(" + args.get(0) + "): contents are not valid UTF-8; use filebase64 instead");
        }
      }
      case "filebase64" -> Base64.getEncoder().encodeToString(read(args.get(0)));
      case "fileexists" -> Files.isRegularFile(path(args.get(0)));
      case "base64encode" ->
          Base64.getEncoder().encodeToString(str(args.get(0)).getBytes(StandardCharsets.UTF_8));
      case "length" -> {
        Object v = args.get(0);
        yield BigDecimal.valueOf(
            v instanceof List<?> l
                ? l.size()
                : v instanceof Map<?, ?> m ? m.size() : str(v).codePointCount(0, str(v).length()));
      }
      case "merge" -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object a : args) {
          ((Map<?, ?>) a).forEach((k, v) -> out.put((String) k, v));
        }
        yield out;
      }
      case "compact" ->
          ((List<?>) args.get(0))
              .stream().map(HclEval::str).filter(s -> !s.isEmpty()).map(s -> (Object) s).toList();
      case "concat" -> {
        List<Object> out = new ArrayList<>();
        args.forEach(a -> out.addAll((List<?>) a));
        yield out;
      }
      case "join" ->
          String.join(
              str(args.get(0)), ((List<?>) args.get(1)).stream().map(HclEval::str).toList());
      case "substr" -> {
        String s = str(args.get(0));
        int from = num(args.get(1)).intValueExact();
        int len = num(args.get(2)).intValueExact();
        yield s.substring(from, len < 0 ? s.length() : Math.min(s.length(), from + len));
      }
      case "regex_replace" -> str(args.get(0)).replaceAll(str(args.get(1)), str(args.get(2)));
      default ->
          throw new UnsupportedOperationException(
              "the test's HCL evaluator has no function " + name + "()");
    };
  }

  private Path path(Object name) {
    return scope.workingDirectory().resolve(str(name));
  }

  private byte[] read(Object name) {
    try {
      return Files.readAllBytes(path(name));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + name + ": " + e, e);
    }
  }

  // --- expressions ----------------------------------------------------------------------------

  /** Recursive descent over one expression's source text. */
  private final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Object whole() {
      Object v = expr();
      space();
      if (pos != s.length()) {
        throw error("unexpected text");
      }
      return v;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at " + pos + " in: " + s);
    }

    private void space() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isWhitespace(c)) {
          pos++;
        } else if (c == '#' || s.startsWith("//", pos)) {
          while (pos < s.length() && s.charAt(pos) != '\n') {
            pos++;
          }
        } else if (s.startsWith("/*", pos)) {
          int end = s.indexOf("*/", pos + 2);
          pos = end < 0 ? s.length() : end + 2;
        } else {
          return;
        }
      }
    }

    private boolean eat(String token) {
      space();
      if (s.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    private void expect(String token) {
      if (!eat(token)) {
        throw error("expected " + token);
      }
    }

    Object expr() {
      Object cond = or();
      if (eat("?")) {
        Object yes = expr();
        expect(":");
        Object no = expr();
        return cond == UNKNOWN ? UNKNOWN : bool(cond) ? yes : no;
      }
      return cond;
    }

    private Object or() {
      Object v = and();
      while (eat("||")) {
        Object w = and();
        v = v == UNKNOWN || w == UNKNOWN ? UNKNOWN : bool(v) || bool(w);
      }
      return v;
    }

    private Object and() {
      Object v = equality();
      while (eat("&&")) {
        Object w = equality();
        v = v == UNKNOWN || w == UNKNOWN ? UNKNOWN : bool(v) && bool(w);
      }
      return v;
    }

    private Object equality() {
      Object v = comparison();
      while (true) {
        if (eat("==")) {
          v = equal(v, comparison());
        } else if (eat("!=")) {
          Object e = equal(v, comparison());
          v = e == UNKNOWN ? UNKNOWN : !bool(e);
        } else {
          return v;
        }
      }
    }

    private Object comparison() {
      Object v = unary();
      for (String op : List.of("<=", ">=", "<", ">")) {
        if (eat(op)) {
          Object w = unary();
          if (v == UNKNOWN || w == UNKNOWN) {
            return UNKNOWN;
          }
          int c = num(v).compareTo(num(w));
          return switch (op) {
            case "<=" -> c <= 0;
            case ">=" -> c >= 0;
            case "<" -> c < 0;
            default -> c > 0;
          };
        }
      }
      return v;
    }

    private Object unary() {
      if (eat("!")) {
        Object v = unary();
        return v == UNKNOWN ? UNKNOWN : !bool(v);
      }
      return postfix(primary());
    }

    private Object postfix(Object v) {
      while (true) {
        space();
        if (pos < s.length() && s.charAt(pos) == '.' && !s.startsWith("..", pos)) {
          pos++;
          String name = name();
          v = v == UNKNOWN ? UNKNOWN : ((Map<?, ?>) v).get(name);
        } else if (eat("[")) {
          Object index = expr();
          expect("]");
          if (v != UNKNOWN && index != UNKNOWN) {
            v =
                v instanceof List<?> l
                    ? l.get(num(index).intValueExact())
                    : ((Map<?, ?>) v).get(str(index));
          } else {
            v = UNKNOWN;
          }
        } else {
          return v;
        }
      }
    }

    private String name() {
      space();
      int start = pos;
      while (pos < s.length()
          && (Character.isLetterOrDigit(s.charAt(pos))
              || s.charAt(pos) == '_'
              || s.charAt(pos) == '-')) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a name");
      }
      return s.substring(start, pos);
    }

    private Object primary() {
      space();
      if (pos >= s.length()) {
        throw error("expected an expression");
      }
      char c = s.charAt(pos);
      if (c == '(') {
        pos++;
        Object v = expr();
        expect(")");
        return v;
      }
      if (c == '"') {
        int end = quotedEnd(s, pos + 1);
        String text = s.substring(pos + 1, end);
        pos = end + 1;
        return template(text, true);
      }
      if (Character.isDigit(c)) {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
          pos++;
        }
        return new BigDecimal(s.substring(start, pos));
      }
      if (c == '[') {
        pos++;
        List<Object> items = new ArrayList<>();
        while (!eat("]")) {
          if (eat("for ")) {
            throw error("for expressions are not evaluated");
          }
          items.add(expr());
          eat(",");
        }
        return items;
      }
      if (c == '{') {
        pos++;
        Map<String, Object> items = new LinkedHashMap<>();
        while (!eat("}")) {
          space();
          String key = s.charAt(pos) == '"' || s.charAt(pos) == '(' ? str(primary()) : name();
          if (!eat("=") && !eat(":")) {
            throw error("expected = in an object");
          }
          items.put(key, expr());
          eat(",");
        }
        return items;
      }
      String name = name();
      switch (name) {
        case "true":
          return true;
        case "false":
          return false;
        case "null":
          return null;
        default:
          break;
      }
      if (eat("(")) {
        List<Object> args = new ArrayList<>();
        while (!eat(")")) {
          args.add(expr());
          eat(",");
        }
        return call(name, args);
      }
      expect(".");
      return scope.lookup(name, name());
    }
  }
}
