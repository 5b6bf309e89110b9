package io.depcache.agent.runtime;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * A key or dependency template: literal text with placeholders {@code {0}}, {@code {0.id}}, {@code
 * {userId}}, {@code {userId.team.id}} and, where allowed, {@code {result}}. {@code {{} and {@code
 * }}} stand for literal braces.
 *
 * <p>Parsed once when the method is instrumented, so that a template naming an argument the method
 * does not have is an error then, not at the first call.
 */
final class Template {
  /** Stops a template over large collections from producing an unbounded number of strings. */
  static final int MAX_EXPANSION = 10_000;

  private static final int RESULT = -1;

  private final String text;
  private final List<Object> parts;

  private Template(String text, List<Object> parts) {
    this.text = text;
    this.parts = parts;
  }

  private record Placeholder(int argument, String[] path, String source) {}

  /**
   * Parses {@code text} for a method with the given parameter names.
   *
   * @param parameterNames the names, or {@code null} when compiled without {@code -parameters}
   * @param parameterCount the number of parameters
   * @param allowResult whether {@code {result}} may be used
   */
  static Template parse(
      String text, List<String> parameterNames, int parameterCount, boolean allowResult)
      throws TemplateException {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        literal.append('{');
        i += 2;
      } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
        literal.append('}');
        i += 2;
      } else if (c == '{') {
        int end = text.indexOf('}', i);
        if (end < 0) {
          throw new TemplateException(
              "template '" + text + "' has a '{' at " + i + " without its closing '}'");
        }
        if (literal.length() > 0) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(
            placeholder(
                text, text.substring(i + 1, end), parameterNames, parameterCount, allowResult));
        i = end + 1;
      } else if (c == '}') {
        throw new TemplateException(
            "template '"
                + text
                + "' has a '}' at "
                + i
                + " without an opening '{' (write }} for a"
                + " literal brace)");
      } else {
        literal.append(c);
        i++;
      }
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    return new Template(text, List.copyOf(parts));
  }

  private static Placeholder placeholder(
      String text,
      String inside,
      List<String> parameterNames,
      int parameterCount,
      boolean allowResult)
      throws TemplateException {
    String[] segments = inside.split("\\.", -1);
    for (String segment : segments) {
      if (segment.isBlank() || !segment.strip().equals(segment)) {
        throw new TemplateException(
            "template '"
                + text
                + "' has a malformed placeholder {"
                + inside
                + "}: expected {0}, {0.property}, {name} or {name.property}");
      }
    }
    String head = segments[0];
    String[] path = java.util.Arrays.copyOfRange(segments, 1, segments.length);
    int argument;
    if (head.equals("result")) {
      if (!allowResult) {
        throw new TemplateException(
            "template '" + text + "' uses {result}, which only @Invalidates templates may use");
      }
      argument = RESULT;
    } else if (head.chars().allMatch(Character::isDigit)) {
      argument = Integer.parseInt(head);
      if (argument >= parameterCount) {
        throw new TemplateException(
            "template '"
                + text
                + "' refers to argument "
                + argument
                + " but the method has "
                + parameterCount
                + " parameter"
                + (parameterCount == 1 ? "" : "s"));
      }
    } else if (parameterNames == null) {
      throw new TemplateException(
          "template '"
              + text
              + "' refers to the parameter '"
              + head
              + "' by name, but the class"
              + " was compiled without -parameters: compile with -parameters (maven-compiler-plugin"
              + " <parameters>true</parameters>) or use its index, e.g. {0}");
    } else {
      argument = parameterNames.indexOf(head);
      if (argument < 0) {
        throw new TemplateException(
            "template '"
                + text
                + "' refers to '"
                + head
                + "', which is not a parameter of the"
                + " method (parameters: "
                + parameterNames
                + ")");
      }
    }
    return new Placeholder(argument, path, inside);
  }

  /** Renders to one string; a collection renders element by element, comma-separated. */
  String render(Object[] args, Object result) {
    if (parts.size() == 1 && parts.get(0) instanceof String s) {
      return s;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (Object part : parts) {
      if (part instanceof String s) {
        out.append(s);
      } else {
        out.append(KeyForms.plain(resolve((Placeholder) part, args, result)));
      }
    }
    return out.toString();
  }

  /**
   * Renders to one string per combination of elements: {@code user:{0}} over the list {@code [1,
   * 2]} gives {@code user:1} and {@code user:2}.
   */
  void expand(Object[] args, Object result, Consumer<String> out) {
    List<List<String>> choices = new ArrayList<>(parts.size());
    long combinations = 1;
    for (Object part : parts) {
      List<String> options;
      if (part instanceof String s) {
        options = List.of(s);
      } else {
        options = elements(resolve((Placeholder) part, args, result));
      }
      combinations *= options.size();
      if (combinations > MAX_EXPANSION) {
        throw new UnresolvableException(
            "template '" + text + "' expands to more than " + MAX_EXPANSION + " dependencies",
            null);
      }
      choices.add(options);
    }
    combine(choices, 0, new StringBuilder(), out);
  }

  private static void combine(
      List<List<String>> choices, int index, StringBuilder prefix, Consumer<String> out) {
    if (index == choices.size()) {
      out.accept(prefix.toString());
      return;
    }
    int length = prefix.length();
    for (String option : choices.get(index)) {
      prefix.append(option);
      combine(choices, index + 1, prefix, out);
      prefix.setLength(length);
    }
  }

  private static List<String> elements(Object value) {
    if (value instanceof Collection<?> collection) {
      List<String> items = new ArrayList<>(collection.size());
      for (Object item : collection) {
        items.add(KeyForms.plain(item));
      }
      return items;
    }
    if (value != null && value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<String> items = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        items.add(KeyForms.plain(Array.get(value, i)));
      }
      return items;
    }
    return List.of(KeyForms.plain(value));
  }

  private Object resolve(Placeholder placeholder, Object[] args, Object result) {
    Object value = placeholder.argument() == RESULT ? result : args[placeholder.argument()];
    for (String property : placeholder.path()) {
      if (value == null) {
        throw new UnresolvableException(
            "template '"
                + text
                + "': {"
                + placeholder.source()
                + "} meets null before ."
                + property,
            null);
      }
      value = PropertyAccess.read(value, property);
    }
    return value;
  }

  boolean isConstant() {
    return parts.stream().allMatch(String.class::isInstance);
  }

  @Override
  public String toString() {
    return text;
  }
}
