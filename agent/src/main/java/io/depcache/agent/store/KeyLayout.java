package io.depcache.agent.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of depcache's keys in the store.
 *
 * <pre>
 * {prefix}:{manager}:e:{key}         an entry: the encoded value and its dependencies
 * {prefix}:{manager}:d:{dependency}  a dependency set: the entry keys (complete store keys) that
 *                                    depend on it, a sorted set in the order they joined (so that
 *                                    an invalidation reads it a page at a time by position); it
 *                                    expires no earlier than its longest-lived member
 * {prefix}:{manager}:d:{dependency}\0invalidating:{unique}
 *                                    a dependency set while RedisStore invalidates it: renamed
 *                                    away first so that new registrations start a fresh set;
 *                                    {unique} is the JVM's id (a UUID made at start) and a counter
 * {entry or dependency key}\0fence  the invalidation sequence at which that key was last deleted
 *                                    or invalidated; a write whose computation started earlier is
 *                                    refused (see CacheStore#putIfUnchangedSince)
 * {prefix}:{manager}:d:{dependency}\0draining
 *                                    the renamed sets of that dependency still being drained: every
 *                                    invalidation drains them all before it returns
 * {entry key}\0lease                 who computes the entry now (depcache.lease.enabled), with a
 *                                    short expiry
 * {prefix}:seq                       the store's invalidation sequence, raised by every fence
 * {prefix}:seq\0epoch                where the sequence's current epoch began (fence.lua)
 * </pre>
 *
 * A dependency set holds complete entry keys, so an entry of one manager can depend on a dependency
 * of another ({@code DepCache.addDependency(dep, manager)}) on the same store.
 *
 * <p><b>Injective.</b> Keys and dependencies come from method arguments, so they may hold any
 * character. Their text is escaped into the key ({@code \0} becomes {@code \1 0}, {@code \1}
 * becomes {@code \1 1}), so no user text contains {@code \0}, and every internal key (fences,
 * leases, draining lists, detached sets) is a user key followed by {@code \0} and a fixed word: no
 * key or dependency, whatever its bytes, names an internal key or another user key. A text whose
 * escaped form is longer than {@value #MAX_USER_TEXT} characters keeps a head of {@value
 * #HEAD_LENGTH} and ends with {@code \1h} and the SHA-256 of the whole, a form no escaped text
 * takes, so key names stay bounded.
 */
public final class KeyLayout {
  /** The longest user text (escaped) a key holds as it is. */
  static final int MAX_USER_TEXT = 1024;

  /** How much of a longer text a key keeps before its hash. */
  static final int HEAD_LENGTH = 200;

  private static final char ESCAPE = '\u0001';

  private KeyLayout() {}

  /**
   * The invalidation sequence of every manager under a prefix (one counter per Redis).
   *
   * @param prefix {@code depcache.prefix}
   * @return {@code prefix + ":seq"}
   */
  public static String sequenceKey(String prefix) {
    return prefix + ":seq";
  }

  /**
   * Where the current epoch of a sequence began: the sequence at which the store, having lost its
   * sequence (or never had one), started it again.
   *
   * @param sequenceKey from {@link #sequenceKey(String)}
   * @return {@code sequenceKey + "\0epoch"}
   */
  public static String epochKey(String sequenceKey) {
    return sequenceKey + "\u0000epoch";
  }

  /**
   * The start of every key under a prefix, which clearing all of it removes.
   *
   * @param prefix {@code depcache.prefix}
   * @return {@code prefix + ":"}
   */
  public static String keysOf(String prefix) {
    return prefix + ":";
  }

  /**
   * The fence of an entry or dependency key: the invalidation sequence at which it was last deleted
   * or invalidated, kept for {@link CacheStore#FENCE_RETENTION_MILLIS}.
   *
   * @param key an entry key or a dependency key
   * @return {@code key + "\0fence"}, in the same namespace so that {@code clear} removes it
   */
  public static String fenceKey(String key) {
    return key + "\u0000fence";
  }

  /**
   * The list of a dependency's sets being drained by invalidations.
   *
   * @param dependencyKey a dependency key
   * @return {@code dependencyKey + "\0draining"}
   */
  public static String drainingKey(String dependencyKey) {
    return dependencyKey + "\u0000draining";
  }

  /**
   * The lease of an entry key.
   *
   * @param entryKey an entry key
   * @return {@code entryKey + "\0lease"}
   */
  public static String leaseKey(String entryKey) {
    return entryKey + "\u0000lease";
  }

  /**
   * The prefix shared by every key of one manager.
   *
   * @param prefix the configured {@code depcache.prefix}
   * @param manager the manager's name
   * @return {@code prefix + ":" + manager + ":"}
   */
  public static String namespace(String prefix, String manager) {
    return prefix + ':' + manager + ':';
  }

  /**
   * The store key of an entry.
   *
   * @param namespace from {@link #namespace(String, String)}
   * @param key the entry's key as users see it
   * @return the store key
   */
  public static String entryKey(String namespace, String key) {
    return entryKeysOf(namespace) + userText(key);
  }

  /**
   * The store key of an entry, from the start of its namespace's entry keys (which a caller that
   * makes many keys computes once).
   *
   * @param entryKeys from {@link #entryKeysOf(String)}
   * @param key the entry's key as users see it
   * @return the store key, as {@link #entryKey(String, String)} gives it
   */
  public static String entryKeyAt(String entryKeys, String key) {
    return entryKeys.concat(userText(key));
  }

  /**
   * The store key of an entry in UTF-8, as {@code entryKeyAt(entryKeys, key).getBytes(UTF_8)} gives
   * it; a key of ASCII text that needs no escaping (most keys) takes one array and no string.
   *
   * @param entryKeys from {@link #entryKeysOf(String)}
   * @param entryKeysUtf8 the same in UTF-8
   * @param key the entry's key as users see it
   * @return the store key in UTF-8
   */
  public static byte[] entryKeyUtf8(String entryKeys, byte[] entryKeysUtf8, String key) {
    int length = key.length();
    if (length <= MAX_USER_TEXT) {
      byte[] utf8 = new byte[entryKeysUtf8.length + length];
      System.arraycopy(entryKeysUtf8, 0, utf8, 0, entryKeysUtf8.length);
      int at = entryKeysUtf8.length;
      int i = 0;
      for (char c; i < length && (c = key.charAt(i)) > ESCAPE && c < 0x80; i++) {
        utf8[at + i] = (byte) c;
      }
      if (i == length) {
        return utf8;
      }
    }
    return entryKeyAt(entryKeys, key).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What every entry key of a namespace starts with, and nothing else of it does.
   *
   * @param namespace from {@link #namespace(String, String)}
   * @return {@code namespace + "e:"}
   */
  public static String entryKeysOf(String namespace) {
    return namespace + "e:";
  }

  /**
   * A SCAN MATCH pattern for every key of a namespace: entries, dependency sets, fences, leases.
   *
   * @param namespace from {@link #namespace(String, String)}
   * @return the namespace with the pattern's special characters escaped, then {@code *}
   */
  static String scanPattern(String namespace) {
    StringBuilder escaped = new StringBuilder(namespace.length() + 8);
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.append('*').toString();
  }

  /**
   * A fresh name for a dependency set taken away to be drained by one invalidation; it stays in the
   * dependency's namespace, so that {@code clear} finds it.
   *
   * @param dependencyKey the set's key
   * @param unique distinct per invalidation
   * @return {@code dependencyKey + "\0invalidating:" + unique}
   */
  static String detachedKey(String dependencyKey, String unique) {
    return dependencyKey + "\u0000invalidating:" + unique;
  }

  /**
   * The store key of a dependency set.
   *
   * @param namespace from {@link #namespace(String, String)}
   * @param dependency the dependency as users write it
   * @return the store key
   */
  public static String dependencyKey(String namespace, String dependency) {
    return namespace + "d:" + userText(dependency);
  }

  /**
   * Where a running agent publishes its counters for {@code stats}: outside every manager's
   * namespace ({@code '@'} is no letter of a manager's name), so that no {@code clear} removes it.
   *
   * @param prefix {@code depcache.prefix}
   * @param jvm names the JVM: host, pid and start time
   * @return {@code prefix + ":@stats:" + jvm}
   */
  public static String statsKey(String prefix, String jvm) {
    return statsKeysOf(prefix) + jvm;
  }

  /** What every stats key of a prefix starts with. */
  public static String statsKeysOf(String prefix) {
    return prefix + ":@stats:";
  }

  /**
   * The manager and key of an entry's store key, as users wrote them: the reverse of {@link
   * #entryKey} for the keys of any manager under the prefix.
   *
   * @param prefix {@code depcache.prefix}
   * @param entryKey a complete entry key
   * @return {@code [manager, key]}, or {@code null} when it is no entry key of that prefix; a key
   *     that was shortened to a hash keeps its head and the hash, {@code \u0001h<sha-256>}
   */
  public static String[] userKey(String prefix, String entryKey) {
    String head = keysOf(prefix);
    if (!entryKey.startsWith(head)) {
      return null;
    }
    int colon = entryKey.indexOf(':', head.length());
    if (colon < 0 || !entryKey.startsWith("e:", colon + 1)) {
      return null;
    }
    String manager = entryKey.substring(head.length(), colon);
    String text = entryKey.substring(colon + 3);
    StringBuilder key = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ESCAPE && i + 1 < text.length() && text.charAt(i + 1) != 'h') {
        key.append(text.charAt(++i) == '0' ? '\u0000' : ESCAPE);
      } else {
        key.append(c);
      }
    }
    return new String[] {manager, key.toString()};
  }

  /**
   * A key's or dependency's text as it appears in a store key: escaped so that it holds no {@code
   * \0}, and bounded (see the class comment). Text with neither {@code \0} nor {@code \1} and of at
   * most {@value #MAX_USER_TEXT} characters is returned as it is.
   */
  /**
   * Whether a user's key needs no escaping nor bounding: then its store key is {@code entryKeys +
   * key}, as {@link #entryKeyAt} gives it.
   */
  public static boolean plainUserText(String text) {
    // the characters up to ESCAPE are two: two searches the JIT vectorizes beat a loop of charAt
    return text.length() <= MAX_USER_TEXT && text.indexOf('\u0000') < 0 && text.indexOf(ESCAPE) < 0;
  }

  static String userText(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) > ESCAPE) {
      i++;
    }
    if (i == text.length() && text.length() <= MAX_USER_TEXT) {
      return text;
    }
    StringBuilder escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        escaped.append(ESCAPE).append('0');
      } else if (c == ESCAPE) {
        escaped.append(ESCAPE).append('1');
      } else {
        escaped.append(c);
      }
    }
    if (escaped.length() <= MAX_USER_TEXT) {
      return escaped.toString();
    }
    int head = HEAD_LENGTH;
    if (Character.isHighSurrogate(escaped.charAt(head - 1))) {
      head--; // never half a character
    }
    return escaped.substring(0, head) + ESCAPE + 'h' + sha256Hex(escaped);
  }

  /**
   * The SHA-256 of a text's UTF-8, in lower-case hex: how keys, and everything else of depcache
   * that names a text by a hash, shorten it.
   *
   * @param text any text
   * @return 64 hex digits
   */
  public static String sha256Hex(CharSequence text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
