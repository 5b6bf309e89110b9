package io.depcache.agent.serial;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The classes that deserialization may instantiate: a fixed set of JDK value types and collections,
 * plus patterns added at run time.
 *
 * <p>Patterns take three forms: an exact class ({@code com.example.Dto}, nested classes as {@code
 * com.example.Outer$Inner}), the classes directly in one package ({@code com.example.*}), or a
 * package and all its subpackages ({@code com.example.**}). An array is permitted when its element
 * type is; primitive arrays always are. The classes of the unnamed package, where small
 * applications and samples declare their records, are permitted by {@link #allowUnnamedPackage},
 * which the instrumentation calls for a cached method declared there (a pattern cannot say it).
 *
 * <p>Built in: the JDK value types and collections that {@link JdkClasses} lists. Anything else is
 * refused.
 *
 * <p>Thread-safe. Reads take no lock: {@link #permits} runs for every class descriptor of every
 * cache hit, while {@link #allow} runs rarely (configuration, and instrumentation finding a cached
 * method).
 */
public final class AllowList {
  static final int MAX_DEPTH = 64;
  static final long MAX_ARRAY_LENGTH = 10_000_000L;
  static final long MAX_REFERENCES = 1_000_000L;
  static final long MAX_STREAM_BYTES = 64L * 1024 * 1024;

  private static final String IDENTIFIER =
      "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*";
  private static final Pattern PATTERN =
      Pattern.compile("(?:" + IDENTIFIER + "\\.)*" + IDENTIFIER + "(?:\\.\\*\\*?)?");

  /** How {@link #patterns()} shows the unnamed package; no pattern can name it. */
  private static final String UNNAMED = "(unnamed package).*";

  private volatile Rules rules = Rules.EMPTY;
  private final ObjectInputFilter filter =
      info ->
          rejection(info) == null
              ? ObjectInputFilter.Status.ALLOWED
              : ObjectInputFilter.Status.REJECTED;

  /** Creates a list that permits the built-in classes only. */
  public AllowList() {}

  /**
   * Adds a pattern.
   *
   * @param pattern {@code com.example.Dto}, {@code com.example.*} or {@code com.example.**};
   *     surrounding white space is ignored
   * @return whether the list changed (false when the pattern was already there)
   * @throws IllegalArgumentException when the pattern has none of the three forms
   */
  public boolean allow(String pattern) {
    String p = pattern == null ? "" : pattern.strip();
    if (!PATTERN.matcher(p).matches()) {
      throw new IllegalArgumentException(
          "invalid class pattern '"
              + pattern
              + "': expected a class (com.example.Dto), the classes of one package"
              + " (com.example.*) or a package and its subpackages (com.example.**)");
    }
    return add(p);
  }

  /**
   * Permits the classes directly in the unnamed package.
   *
   * @return whether the list changed
   */
  public boolean allowUnnamedPackage() {
    return add(UNNAMED);
  }

  private synchronized boolean add(String pattern) {
    Rules next = rules.with(pattern);
    if (next == rules) {
      return false;
    }
    rules = next;
    return true;
  }

  /**
   * Permits the classes directly in the package of a class, as {@code package.*} does. Classes of
   * the JDK ({@code java.}, {@code javax.}, {@code jdk.}, {@code sun.}, {@code com.sun.}) are
   * ignored: only the built-in ones are safe. A class in the unnamed package is permitted alone.
   *
   * @param className a binary class name such as {@code com.example.User} or {@code
   *     [Lcom.example.User;}; a primitive or primitive array is ignored
   * @return whether the list changed
   * @throws IllegalArgumentException when the name is not a class name
   */
  public boolean allowPackageOf(String className) {
    String name = elementName(className);
    if (name == null || JdkClasses.isJdk(name) || JdkClasses.isPrimitive(name)) {
      return false;
    }
    int dot = name.lastIndexOf('.');
    return allow(dot < 0 ? name : name.substring(0, dot) + ".*");
  }

  /**
   * Tells whether deserialization may instantiate a class.
   *
   * @param className a binary class name ({@code Class.getName()} form, arrays included)
   * @return whether it is built in or matches a pattern
   */
  public boolean permits(String className) {
    String name = elementName(className);
    return name == null || permitsElement(name);
  }

  /**
   * Returns the patterns added so far, in the order they were added.
   *
   * @return an unmodifiable snapshot
   */
  public List<String> patterns() {
    return rules.patterns;
  }

  /**
   * Returns the filter to set on an {@code ObjectInputStream}. It rejects any class that {@link
   * #permits} refuses (it never answers {@code UNDECIDED}, so the JVM-wide filter cannot let an
   * unknown class through), and streams deeper than 64 levels, with more than one million
   * references, an array longer than ten million elements, or more than 64 MiB.
   *
   * @return a filter that reflects later additions to the list
   */
  public ObjectInputFilter filter() {
    return filter;
  }

  /**
   * Says why the filter rejects a step of deserialization.
   *
   * @param info what the stream is about to do
   * @return {@code null} when allowed, else a message that names the class or the limit
   */
  String rejection(ObjectInputFilter.FilterInfo info) {
    if (info.depth() > MAX_DEPTH) {
      return "nesting depth " + info.depth() + " exceeds the limit of " + MAX_DEPTH;
    }
    if (info.references() > MAX_REFERENCES) {
      return "more than " + MAX_REFERENCES + " object references";
    }
    if (info.streamBytes() > MAX_STREAM_BYTES) {
      return "more than " + MAX_STREAM_BYTES + " bytes";
    }
    if (info.arrayLength() > MAX_ARRAY_LENGTH) {
      return "array length " + info.arrayLength() + " exceeds the limit of " + MAX_ARRAY_LENGTH;
    }
    Class<?> type = info.serialClass();
    if (type == null) {
      return null;
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    if (type.isPrimitive() || permitsElement(type.getName())) {
      return null;
    }
    return notAllowed(type.getName());
  }

  /** The message for a class that is not permitted, with the configuration key that permits it. */
  static String notAllowed(String className) {
    int dot = className.lastIndexOf('.');
    String hint = dot < 0 ? "" : " (or a pattern such as " + className.substring(0, dot) + ".**)";
    return "class "
        + className
        + " is not allowed for deserialization; add it"
        + hint
        + " to depcache.serializer.allow";
  }

  private boolean permitsElement(String name) {
    return JdkClasses.safe(name) || rules.matches(name);
  }

  /** The element type's name of an array name, the name itself otherwise; null for primitives. */
  private static String elementName(String className) {
    if (className == null || className.isEmpty() || className.charAt(0) != '[') {
      return className;
    }
    int i = 0;
    while (i < className.length() && className.charAt(i) == '[') {
      i++;
    }
    if (i < className.length() && className.charAt(i) == 'L' && className.endsWith(";")) {
      return className.substring(i + 1, className.length() - 1);
    }
    boolean primitive = i == className.length() - 1 && "ZBCSIJFD".indexOf(className.charAt(i)) >= 0;
    return primitive ? null : className;
  }

  @Override
  public String toString() {
    return "AllowList" + rules.patterns;
  }

  /** One immutable state of the list; an addition replaces it whole. */
  private static final class Rules {
    static final Rules EMPTY = new Rules(List.of(), Set.of(), new String[0], new String[0], false);

    final List<String> patterns;
    final Set<String> classes;
    final String[] packages; // "com.example." for com.example.*
    final String[] trees; // "com.example." for com.example.**
    final boolean unnamed; // the classes of the unnamed package

    Rules(
        List<String> patterns,
        Set<String> classes,
        String[] packages,
        String[] trees,
        boolean unnamed) {
      this.unnamed = unnamed;
      this.patterns = patterns;
      this.classes = classes;
      this.packages = packages;
      this.trees = trees;
    }

    boolean matches(String name) {
      if (classes.contains(name) || (unnamed && name.indexOf('.') < 0)) {
        return true;
      }
      for (String tree : trees) {
        if (name.startsWith(tree)) {
          return true;
        }
      }
      for (String pkg : packages) {
        if (name.startsWith(pkg) && name.indexOf('.', pkg.length()) < 0) {
          return true;
        }
      }
      return false;
    }

    Rules with(String pattern) {
      if (patterns.contains(pattern)) {
        return this;
      }
      List<String> next = List.copyOf(with(patterns, pattern));
      if (pattern.equals(UNNAMED)) {
        return new Rules(next, classes, packages, trees, true);
      }
      if (pattern.endsWith(".**")) {
        String prefix = pattern.substring(0, pattern.length() - 2);
        return new Rules(next, classes, packages, append(trees, prefix), unnamed);
      }
      if (pattern.endsWith(".*")) {
        String prefix = pattern.substring(0, pattern.length() - 1);
        return new Rules(next, classes, append(packages, prefix), trees, unnamed);
      }
      Set<String> nextClasses = new HashSet<>(classes);
      nextClasses.add(pattern);
      return new Rules(next, Set.copyOf(nextClasses), packages, trees, unnamed);
    }

    private static List<String> with(List<String> list, String element) {
      List<String> next = new ArrayList<>(list);
      next.add(element);
      return next;
    }

    private static String[] append(String[] array, String element) {
      String[] next = Arrays.copyOf(array, array.length + 1);
      next[array.length] = element;
      return next;
    }
  }
}
