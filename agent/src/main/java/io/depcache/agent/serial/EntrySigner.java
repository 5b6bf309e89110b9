package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed entries ({@code depcache.signing-key}): an HMAC-SHA256 over the whole encoded entry and
 * the store key it is written under, checked before a byte of the entry is decoded.
 *
 * <pre>
 * byte      0xD5, a signed entry (an entry of {@link EntryCodec} starts with 0xDC)
 * byte      signing format version, 1
 * 32 bytes  HMAC-SHA256(key, varint length of the store key, the store key in UTF-8, the entry)
 * then      the entry as {@link EntryCodec} encodes it
 * </pre>
 *
 * The store key is signed with the entry so that a signed entry copied under another key (another
 * argument's, another method's) is refused like a tampered one. Reading accepts the signature of
 * the current key or of {@code depcache.signing-key.previous}, so that a fleet can move to a new
 * key without a cold cache; writing always signs with the current key.
 *
 * <p>An entry that is not signed, or whose signature matches neither key, is a {@link
 * CorruptEntryException}: a miss, deleted and reported as any unreadable entry is. Without a
 * signing key, {@link #NONE} passes entries through unchanged, and a signed entry is unreadable to
 * it (its first byte is not an entry's).
 */
public final class EntrySigner {
  /** No signing key: entries are written and read as they are. */
  public static final EntrySigner NONE = new EntrySigner(null, null);

  static final byte MAGIC = (byte) 0xD5;
  static final byte VERSION = 1;
  static final int TAG_BYTES = 32;
  static final int HEADER = 2 + TAG_BYTES;
  private static final String ALGORITHM = "HmacSHA256";

  private final Mac current;
  private final Mac previous;

  /**
   * One {@link Mac} per thread and key, cloned from the initialised one: init is the costly step.
   */
  private final ThreadLocal<Mac> currentMac;

  private final ThreadLocal<Mac> previousMac;

  private EntrySigner(Mac current, Mac previous) {
    this.current = current;
    this.previous = previous;
    this.currentMac = current == null ? null : ThreadLocal.withInitial(() -> copy(current));
    this.previousMac = previous == null ? null : ThreadLocal.withInitial(() -> copy(previous));
  }

  /**
   * The signer of a manager's keys.
   *
   * @param key the bytes of {@code depcache.signing-key}, or {@code null} for {@link #NONE}
   * @param previousKey the bytes of {@code depcache.signing-key.previous}, or {@code null}
   * @return the signer
   */
  public static EntrySigner of(byte[] key, byte[] previousKey) {
    if (key == null) {
      return NONE;
    }
    return new EntrySigner(mac(key), previousKey == null ? null : mac(previousKey));
  }

  /** Whether entries are signed. */
  public boolean signs() {
    return current != null;
  }

  /**
   * The bytes to store for an encoded entry.
   *
   * @param storeKey the key the entry is written under
   * @param entry what {@link EntryCodec#encode} produced
   * @return the signed entry; {@code entry} itself without a signing key
   */
  public byte[] seal(String storeKey, byte[] entry) {
    if (current == null) {
      return entry;
    }
    byte[] sealed = new byte[HEADER + entry.length];
    sealed[0] = MAGIC;
    sealed[1] = VERSION;
    System.arraycopy(tag(currentMac.get(), storeKey, entry, 0), 0, sealed, 2, TAG_BYTES);
    System.arraycopy(entry, 0, sealed, HEADER, entry.length);
    return sealed;
  }

  /**
   * The encoded entry inside stored bytes, once its signature is checked.
   *
   * @param storeKey the key the bytes were read from
   * @param stored the bytes read
   * @return the entry for {@link EntryCodec#decode}; {@code stored} itself without a signing key
   * @throws CorruptEntryException when the bytes are not signed, or not by the current or the
   *     previous key, for this store key
   */
  public byte[] open(String storeKey, byte[] stored) {
    if (current == null) {
      return stored;
    }
    if (stored.length <= HEADER || stored[0] != MAGIC) {
      throw new CorruptEntryException(
          "the entry is not signed, and this manager reads only signed entries"
              + " (depcache.signing-key is set)");
    }
    if (stored[1] != VERSION) {
      throw new CorruptEntryException("the entry's signing format " + stored[1] + " is unknown");
    }
    if (!matches(currentMac.get(), storeKey, stored)
        && (previousMac == null || !matches(previousMac.get(), storeKey, stored))) {
      throw new CorruptEntryException(
          "the entry's signature does not match: changed after it was written, written under"
              + " another key, or signed with a key that is neither depcache.signing-key nor"
              + " depcache.signing-key.previous");
    }
    return Arrays.copyOfRange(stored, HEADER, stored.length);
  }

  /** Whether stored bytes have the signed form (whatever key signed them). */
  static boolean isSealed(byte[] stored) {
    return stored.length > HEADER && stored[0] == MAGIC && stored[1] == VERSION;
  }

  /** The entry inside a signed form, unchecked: for an operator's look at it, never for a hit. */
  static byte[] contents(byte[] sealed) {
    return Arrays.copyOfRange(sealed, HEADER, sealed.length);
  }

  private static boolean matches(Mac mac, String storeKey, byte[] stored) {
    byte[] expected = tag(mac, storeKey, stored, HEADER);
    byte[] found = Arrays.copyOfRange(stored, 2, HEADER);
    return MessageDigest.isEqual(expected, found); // in constant time
  }

  private static byte[] tag(Mac mac, String storeKey, byte[] bytes, int offset) {
    byte[] key = storeKey.getBytes(UTF_8);
    int length = key.length;
    // the key's length first, so that no key and entry pair reads as another
    while ((length & ~0x7F) != 0) {
      mac.update((byte) ((length & 0x7F) | 0x80));
      length >>>= 7;
    }
    mac.update((byte) length);
    mac.update(key);
    mac.update(bytes, offset, bytes.length - offset);
    return mac.doFinal();
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM: " + e, e);
    }
  }

  private static Mac copy(Mac initialised) {
    try {
      return (Mac) initialised.clone();
    } catch (CloneNotSupportedException e) {
      // a provider whose Mac cannot be cloned: initialise one of our own
      throw new IllegalStateException("HmacSHA256 of this JVM cannot be cloned", e);
    }
  }

  @Override
  public String toString() {
    return current == null
        ? "unsigned"
        : previous == null ? "signed" : "signed (with a previous key)";
  }
}
