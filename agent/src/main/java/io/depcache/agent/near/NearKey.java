package io.depcache.agent.near;

/**
 * The key of a near entry: a store key as two parts, the start of a namespace's entry keys and the
 * user's key, equal (and hashing alike) to any other split of the same text. A stored key is split
 * where a lookup's probe is (after the namespace's entry keys) whenever its store knows that start,
 * so that comparing the two is comparing the same start (most often the same instance) and the two
 * users' keys, with {@link String#equals}; keys split elsewhere are compared character by
 * character. A lookup asks with one mutable probe per thread, so that a near hit makes no store
 * key.
 */
final class NearKey {
  private static final ThreadLocal<NearKey> PROBE = ThreadLocal.withInitial(NearKey::new);

  private String head;
  private String tail;
  private int length;
  private int hash;

  private NearKey() {}

  /** The key of a near entry under its whole store key. */
  static NearKey of(String entryKey) {
    return of(entryKey, "");
  }

  /** The key of a near entry under store key {@code head + tail}. */
  static NearKey of(String head, String tail) {
    NearKey key = new NearKey();
    key.set(head, tail);
    return key;
  }

  /**
   * This thread's probe for {@code head + tail}, valid until the thread's next probe: for lookups
   * only, never stored.
   */
  static NearKey probe(String head, String tail) {
    NearKey probe = PROBE.get();
    probe.set(head, tail);
    return probe;
  }

  /** Lets go of the probe's strings, so that a thread does not keep its last key alive. */
  void release() {
    head = "";
    tail = "";
  }

  private void set(String head, String tail) {
    this.head = head;
    this.tail = tail;
    this.length = head.length() + tail.length();
    // String.hashCode of head + tail, from the two cached hashes
    int n = tail.length();
    this.hash = head.hashCode() * (n < POWERS.length ? POWERS[n] : pow31(n)) + tail.hashCode();
  }

  /** 31 to the power of the index, for the tails of most keys. */
  private static final int[] POWERS = new int[257];

  static {
    POWERS[0] = 1;
    for (int i = 1; i < POWERS.length; i++) {
      POWERS[i] = POWERS[i - 1] * 31;
    }
  }

  private static int pow31(int n) {
    int result = 1;
    int base = 31;
    while (n > 0) {
      if ((n & 1) != 0) {
        result *= base;
      }
      base *= base;
      n >>= 1;
    }
    return result;
  }

  /** The length of the key's first part: where it is split, 0 when it is whole. */
  int splitAt() {
    return tail.isEmpty() ? 0 : head.length();
  }

  /** The key's second part, empty when it is whole. */
  String tail() {
    return tail;
  }

  /** The whole store key (stored keys hold it as it is). */
  String text() {
    return tail.isEmpty() ? head : head + tail;
  }

  private char charAt(int i) {
    return i < head.length() ? head.charAt(i) : tail.charAt(i - head.length());
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (!(other instanceof NearKey k) || k.hash != hash || k.length != length) {
      return false;
    }
    if (k.head.length() == head.length()) {
      // split at the same place: the same text exactly when both parts are
      return (k.head == head || k.head.equals(head)) && k.tail.equals(tail);
    }
    if (k.tail.isEmpty()) {
      return k.head.startsWith(head) && k.head.regionMatches(head.length(), tail, 0, tail.length());
    }
    if (tail.isEmpty()) {
      return head.startsWith(k.head)
          && head.regionMatches(k.head.length(), k.tail, 0, k.tail.length());
    }
    for (int i = 0; i < length; i++) {
      if (charAt(i) != k.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return text();
  }
}
