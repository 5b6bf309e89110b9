package io.depcache.agent.runtime;

import io.depcache.agent.store.KeyLayout;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How arguments appear in keys and templates: the same text for equal values in every JVM and after
 * every restart, and never an identity hash.
 *
 * <p>In a derived key, strings are quoted and escaped so that {@code f("a,b")} and {@code f("a",
 * "b")} differ; in a template, strings appear as they are. Unordered sets and maps are sorted by
 * their rendered elements so that the key does not depend on hash iteration order.
 */
final class KeyForms {
  /**
   * A key of this length or longer keeps a readable head and ends with {@code "...#"} and a SHA-256
   * of the whole, which makes it exactly this long; a shorter key is kept as it is. So a bounded
   * key never equals a key that was kept, whatever text an argument holds.
   */
  static final int MAX_KEY_LENGTH = 250;

  private static final int HEAD_LENGTH = MAX_KEY_LENGTH - 4 - 64;

  private static final Pattern IDENTITY_TEXT =
      Pattern.compile("[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+@[0-9a-f]{1,8}(?![\\w.])");
  private static final ClassValue<Boolean> OWN_TO_STRING =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
          } catch (NoSuchMethodException e) {
            return false;
          }
        }
      };
  private static final ClassValue<Method> CACHE_KEYED =
      new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
          return cacheKeyMethod(type);
        }
      };

  private KeyForms() {}

  /** Appends {@code value} in key form, strings quoted. */
  static void appendQuoted(StringBuilder out, Object value) {
    append(out, value, true);
  }

  /** Returns {@code value} in template form: strings as they are. */
  static String plain(Object value) {
    if (value instanceof String s) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    append(out, value, false);
    return out.toString();
  }

  /** Bounds a key's length: short keys are returned as they are. */
  static String bound(String key) {
    if (key.length() < MAX_KEY_LENGTH) {
      return key;
    }
    return key.substring(0, HEAD_LENGTH) + "...#" + KeyLayout.sha256Hex(key);
  }

  /**
   * A short hash of a text, the same in every JVM: the first 8 hex digits of its SHA-256.
   *
   * @param text e.g. a generic type's canonical name
   * @return 8 lower-case hex digits
   */
  static String shortHash(String text) {
    return KeyLayout.sha256Hex(text).substring(0, 8);
  }

  private static void append(StringBuilder out, Object value, boolean quote) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      if (quote) {
        quoted(out, s);
      } else {
        out.append(s);
      }
    } else if (value instanceof Character c) {
      if (quote) {
        out.append('\'').append(c.charValue() == '\'' ? "\\'" : c.toString()).append('\'');
      } else {
        out.append(c.charValue());
      }
    } else if (value instanceof Long n) {
      out.append(n.longValue()); // as append(Object) writes it, without the String between
    } else if (value instanceof Integer n) {
      out.append(n.intValue());
    } else if (value instanceof Short
        || value instanceof Byte
        || value instanceof Boolean
        || value instanceof Double
        || value instanceof Float
        || value instanceof BigInteger
        || value instanceof BigDecimal
        || value instanceof UUID
        || value instanceof URI
        || value instanceof Locale) {
      out.append(value);
    } else if (value instanceof Enum<?> e) {
      out.append(e.name());
    } else if (value instanceof Class<?> c) {
      out.append(c.getName());
    } else if (isJavaTime(value)) {
      out.append(value);
    } else if (CACHE_KEYED.get(value.getClass()) != null) {
      out.append(cacheKey(value));
    } else if (value instanceof Optional<?> o) {
      if (o.isEmpty()) {
        out.append("Optional.empty");
      } else {
        out.append("Optional[");
        append(out, o.get(), quote);
        out.append(']');
      }
    } else if (value instanceof Record r) {
      appendRecord(out, r, quote);
    } else if (value instanceof Collection<?> c) {
      appendAll(out, c, unordered(c), quote);
    } else if (value instanceof Map<?, ?> m) {
      appendMap(out, m, quote);
    } else if (value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> items = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        items.add(Array.get(value, i));
      }
      appendAll(out, items, false, quote);
    } else if (OWN_TO_STRING.get(value.getClass())) {
      String text = String.valueOf(value);
      if (IDENTITY_TEXT.matcher(text).find()) {
        throw new UnstableKeyException(
            value.getClass(), "its toString() contains an identity hash");
      }
      out.append(text);
    } else {
      throw new UnstableKeyException(
          value.getClass(),
          "it is not a value type, does not implement io.depcache.CacheKeyed and has only"
              + " Object.toString()");
    }
  }

  private static void quoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  private static boolean isJavaTime(Object value) {
    return value.getClass().getName().startsWith("java.time.");
  }

  private static boolean unordered(Collection<?> c) {
    return c instanceof java.util.Set && !(c instanceof SortedSet) && !(c instanceof LinkedHashSet);
  }

  private static void appendAll(
      StringBuilder out, Collection<?> items, boolean sort, boolean quote) {
    List<String> rendered = new ArrayList<>(items.size());
    for (Object item : items) {
      StringBuilder one = new StringBuilder();
      append(one, item, quote);
      rendered.add(one.toString());
    }
    if (sort) {
      rendered.sort(null);
    }
    out.append('[').append(String.join(",", rendered)).append(']');
  }

  private static void appendMap(StringBuilder out, Map<?, ?> map, boolean quote) {
    List<String> rendered = new ArrayList<>(map.size());
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      StringBuilder one = new StringBuilder();
      append(one, entry.getKey(), quote);
      one.append('=');
      append(one, entry.getValue(), quote);
      rendered.add(one.toString());
    }
    if (!(map instanceof SortedMap) && !(map instanceof LinkedHashMap)) {
      rendered.sort(null);
    }
    out.append('{').append(String.join(",", rendered)).append('}');
  }

  private static void appendRecord(StringBuilder out, Record record, boolean quote) {
    out.append(record.getClass().getSimpleName()).append('[');
    RecordComponent[] components = record.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(components[i].getName()).append('=');
      append(out, PropertyAccess.invoke(components[i].getAccessor(), record), quote);
    }
    out.append(']');
  }

  private static Method cacheKeyMethod(Class<?> type) {
    // Matched by name so that a CacheKeyed from any copy of the API counts.
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (isCacheKeyed(i)) {
          try {
            return i.getMethod("cacheKey");
          } catch (NoSuchMethodException e) {
            return null;
          }
        }
      }
    }
    return null;
  }

  private static boolean isCacheKeyed(Class<?> type) {
    if (type.getName().equals("io.depcache.CacheKeyed")) {
      return true;
    }
    for (Class<?> parent : type.getInterfaces()) {
      if (isCacheKeyed(parent)) {
        return true;
      }
    }
    return false;
  }

  private static String cacheKey(Object value) {
    Object key = PropertyAccess.invoke(CACHE_KEYED.get(value.getClass()), value);
    if (key == null) {
      throw new UnstableKeyException(value.getClass(), "its cacheKey() returned null");
    }
    return key.toString();
  }
}
