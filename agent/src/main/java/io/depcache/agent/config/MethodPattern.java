package io.depcache.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed method pattern of {@code depcache.target.<id>.method} and {@code
 * depcache.invalidate.<id>.method}: {@code <type>[+]#<method>[(<parameters>)]}.
 *
 * <p>In the type, {@code *} matches within one package segment or class name and {@code **} matches
 * across segments; nested classes are written by binary name ({@code Outer$Inner}); a trailing
 * {@code +} also matches every subtype. In the method name {@code *} matches any run of characters.
 * Parameters: omitted or {@code (..)} any; {@code ()} none; otherwise comma-separated type names
 * ({@code int}, {@code java.lang.String}, {@code byte[]}, {@code java.lang.String...}), which may
 * use {@code *} and {@code **} like the type.
 *
 * <p>It only answers questions about names, so that the configuration room stays free of Byte
 * Buddy; the instrumentation turns it into matchers.
 */
public final class MethodPattern {
  private static final String NAME = "[A-Za-z_$*][A-Za-z0-9_$*]*";
  private static final Pattern TYPE = Pattern.compile(NAME + "(\\." + NAME + ")*");
  private static final Pattern METHOD = Pattern.compile("[A-Za-z_$*][A-Za-z0-9_$*]*");
  private static final Pattern PARAMETER =
      Pattern.compile(NAME + "(\\." + NAME + ")*(\\[\\])*(\\.\\.\\.)?");

  private final String text;
  private final String typeText;
  private final boolean subtypes;
  private final Pattern type;
  private final Pattern method;
  private final List<Pattern> parameters;

  private MethodPattern(
      String text,
      String typeText,
      boolean subtypes,
      Pattern type,
      Pattern method,
      List<Pattern> parameters) {
    this.text = text;
    this.typeText = typeText;
    this.subtypes = subtypes;
    this.type = type;
    this.method = method;
    this.parameters = parameters;
  }

  /**
   * Parses a pattern.
   *
   * @param text e.g. {@code com.example.legacy.*Dao#find*(..)}
   * @return the pattern
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static MethodPattern parse(String text) {
    String s = text.strip();
    int hash = s.indexOf('#');
    if (hash < 0 || hash != s.lastIndexOf('#')) {
      throw new IllegalArgumentException("expected exactly one '#' between type and method");
    }
    String typePart = s.substring(0, hash);
    boolean subtypes = typePart.endsWith("+");
    if (subtypes) {
      typePart = typePart.substring(0, typePart.length() - 1);
    }
    if (!TYPE.matcher(typePart).matches()) {
      throw new IllegalArgumentException(
          "the type '" + typePart + "' is not a (binary) class name, optionally with * or **");
    }
    String rest = s.substring(hash + 1);
    int open = rest.indexOf('(');
    String methodPart = open < 0 ? rest : rest.substring(0, open);
    if (!METHOD.matcher(methodPart).matches()) {
      throw new IllegalArgumentException(
          "the method '" + methodPart + "' is not a method name, optionally with *");
    }
    List<Pattern> parameters = null;
    if (open >= 0) {
      if (!rest.endsWith(")") || rest.indexOf(')') != rest.length() - 1) {
        throw new IllegalArgumentException("the parameter list must end with the pattern's ')'");
      }
      parameters = parameters(rest.substring(open + 1, rest.length() - 1).strip());
    }
    return new MethodPattern(
        s,
        typePart,
        subtypes,
        Pattern.compile(glob(typePart)),
        Pattern.compile(methodPart.replace("$", "\\$").replace("*", ".*")),
        parameters);
  }

  private static List<Pattern> parameters(String list) {
    if (list.equals("..")) {
      return null;
    }
    List<Pattern> parameters = new ArrayList<>();
    if (list.isEmpty()) {
      return List.of();
    }
    for (String item : list.split(",", -1)) {
      String parameter = item.strip();
      if (!PARAMETER.matcher(parameter).matches()) {
        throw new IllegalArgumentException(
            "the parameter type '"
                + parameter
                + "' is not a type name such as int, java.lang.String or byte[]");
      }
      if (parameter.endsWith("...")) {
        parameter = parameter.substring(0, parameter.length() - 3) + "[]";
      }
      parameters.add(Pattern.compile(glob(parameter)));
    }
    return List.copyOf(parameters);
  }

  /** A type glob as a regular expression: {@code **} across segments, {@code *} within one. */
  private static String glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (glob.startsWith(".**.", i)) {
        regex.append("\\.(?:.*\\.)?"); // a.**.B also matches a.B
        i += 3;
      } else if (glob.startsWith("**", i)) {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^.]*");
      } else if (c == '.' || c == '$' || c == '[' || c == ']') {
        regex.append('\\').append(c);
      } else {
        regex.append(c);
      }
    }
    return regex.toString();
  }

  /** The pattern as written. */
  public String text() {
    return text;
  }

  /** The type part without {@code +}. */
  public String typeText() {
    return typeText;
  }

  /** Whether the type part ends with {@code +}: subtypes of matching types match too. */
  public boolean subtypes() {
    return subtypes;
  }

  /** Whether a type of this binary name matches the type part (without regard to {@code +}). */
  public boolean matchesType(String binaryName) {
    return type.matcher(binaryName).matches();
  }

  /** Whether a method of this name matches. */
  public boolean matchesMethod(String name) {
    return method.matcher(name).matches();
  }

  /**
   * Whether a method with these parameter types matches.
   *
   * @param typeNames erasures as {@link Class#getTypeName()} spells them: {@code int}, {@code
   *     byte[]}, {@code com.example.Outer$Inner}
   */
  public boolean matchesParameters(List<String> typeNames) {
    if (parameters == null) {
      return true;
    }
    if (parameters.size() != typeNames.size()) {
      return false;
    }
    for (int i = 0; i < parameters.size(); i++) {
      if (!parameters.get(i).matcher(typeNames.get(i)).matches()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
