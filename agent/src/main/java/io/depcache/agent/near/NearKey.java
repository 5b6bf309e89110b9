package io.depcache.agent.near;

/**
 * The key of a near entry: a store key as two parts, the start of a namespace's entry keys and the
 * user's key, equal (and hashing alike) to any other split of the same text. Stored keys hold the
 * whole store key; a lookup asks with one mutable probe per thread, so that a near hit makes no
 * store key.
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
    NearKey key = new NearKey();
    key.set(entryKey, "");
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
    this.hash = head.hashCode() * pow31(tail.length()) + tail.hashCode();
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
