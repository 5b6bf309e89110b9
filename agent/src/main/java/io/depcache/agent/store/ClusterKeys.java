package io.depcache.agent.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * How {@link RedisClusterStore} names keys in Redis Cluster: every key of {@link KeyLayout} behind
 * a hash tag made from it, so that a key and the internal keys that belong to it (an entry's fence
 * and lease; a dependency's set, fence, sets being drained and detached sets) share one slot, and a
 * script that touches them never spans slots.
 *
 * <pre>
 * {tttt}{key of KeyLayout}{suffix}
 * </pre>
 *
 * {@code tttt} is four hex digits, the low 14 bits of a mix of the key's {@link String#hashCode()}
 * (which the JDK specifies, so every JVM names a key alike): 16,384 tags, spread over the slots as
 * the keys themselves would be. The tag is fixed-width and the key follows it as it is, so the
 * mapping is injective, and {@code SCAN MATCH {????}namespace*} finds exactly a namespace's keys.
 * The suffix is one of KeyLayout's ({@code \0fence}, {@code \0lease}, ...).
 */
final class ClusterKeys {
  /** The characters of {@code {tttt}}. */
  static final int TAG_LENGTH = 6;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** The slot of each tag: CRC16 of its four hex digits, as Redis Cluster hashes a tag. */
  private static final int[] SLOT_OF_TAG = new int[1 << 14];

  /**
   * The smallest tag of each slot, -1 for a slot no tag hashes to (CRC16 of four hex digits reaches
   * 6,768 of the 16,384 slots, one to five tags each).
   */
  private static final int[] FIRST_TAG_OF_SLOT = new int[1 << 14];

  static {
    Arrays.fill(FIRST_TAG_OF_SLOT, -1);
    for (int tag = 0; tag < SLOT_OF_TAG.length; tag++) {
      byte[] digits = new byte[4];
      writeTag(tag, digits, 0);
      int slot = JedisClusterCRC16.getSlot(digits);
      SLOT_OF_TAG[tag] = slot;
      if (FIRST_TAG_OF_SLOT[slot] < 0) {
        FIRST_TAG_OF_SLOT[slot] = tag;
      }
    }
  }

  private ClusterKeys() {}

  /** The slot of a key of {@link KeyLayout} and of its internal keys. */
  static int slot(String key) {
    return SLOT_OF_TAG[tag(key)];
  }

  /** The Redis name of a key of {@link KeyLayout}. */
  static byte[] of(String key) {
    return of(key, "");
  }

  /**
   * The Redis name of an internal key that belongs to a key of {@link KeyLayout}: in its slot.
   *
   * @param key an entry key, a dependency key or a sequence key
   * @param suffix e.g. {@code "\0fence"}, or {@code ""} for the key itself
   */
  static byte[] of(String key, String suffix) {
    byte[] text = (suffix.isEmpty() ? key : key + suffix).getBytes(StandardCharsets.UTF_8);
    byte[] name = new byte[TAG_LENGTH + text.length];
    int tag = tag(key);
    name[0] = '{';
    writeTag(tag, name, 1);
    name[5] = '}';
    System.arraycopy(text, 0, name, TAG_LENGTH, text.length);
    return name;
  }

  /**
   * The fences of the tags of one slot ({@link RedisClusterStore}'s invalidations fence a tag, not
   * each entry): {@code {rrrr}owner\0tag-fences}, a sorted set in the slot whose members are the
   * slot's tags ({@link #tagMember}), each scored by the highest sequence it was fenced with. One
   * key per slot, named by the slot's first tag {@code rrrr}, so that an invalidation raises the
   * fences of every tag of a slot it touches with one command.
   *
   * @param tag any tag of the slot
   * @param owner the store's sequence key, so that stores of other prefixes keep their own
   */
  static byte[] tagFences(int tag, String owner) {
    int first = FIRST_TAG_OF_SLOT[SLOT_OF_TAG[tag]];
    byte[] text = (owner + "\u0000tag-fences").getBytes(StandardCharsets.UTF_8);
    byte[] name = new byte[TAG_LENGTH + text.length];
    name[0] = '{';
    writeTag(first, name, 1);
    name[5] = '}';
    System.arraycopy(text, 0, name, TAG_LENGTH, text.length);
    return name;
  }

  /** A tag's member in its slot's {@link #tagFences}: its four hex digits. */
  static byte[] tagMember(int tag) {
    byte[] digits = new byte[4];
    writeTag(tag, digits, 0);
    return digits;
  }

  /**
   * The Redis name of a key of {@link KeyLayout} given as the UTF-8 bytes of the key, e.g. a member
   * of a dependency set read back: the same bytes as {@link #of(String)} without decoding.
   */
  static byte[] ofMember(byte[] key, int tag) {
    byte[] name = new byte[TAG_LENGTH + key.length];
    name[0] = '{';
    writeTag(tag, name, 1);
    name[5] = '}';
    System.arraycopy(key, 0, name, TAG_LENGTH, key.length);
    return name;
  }

  /**
   * The tag of a key given as its UTF-8 bytes: {@link #tag(String)} without decoding, when the key
   * is ASCII (a character's UTF-16 value is then its byte, so the two hashes agree).
   */
  static int tag(byte[] key) {
    int h = 0;
    for (byte b : key) {
      if (b < 0) {
        return tag(new String(key, StandardCharsets.UTF_8));
      }
      h = 31 * h + b;
    }
    return mix(h);
  }

  private static void writeTag(int tag, byte[] into, int at) {
    into[at] = HEX[(tag >>> 12) & 0xF];
    into[at + 1] = HEX[(tag >>> 8) & 0xF];
    into[at + 2] = HEX[(tag >>> 4) & 0xF];
    into[at + 3] = HEX[tag & 0xF];
  }

  /** The slot of a tag. */
  static int slotOfTag(int tag) {
    return SLOT_OF_TAG[tag];
  }

  /** The tag of a key: 14 bits, the number of Redis Cluster's slots. */
  static int tag(String key) {
    return mix(key.hashCode());
  }

  private static int mix(int hash) {
    int h = hash * 0x9E3779B9;
    return (h ^ (h >>> 16)) & 0x3FFF;
  }

  /**
   * A SCAN MATCH pattern for every key of a namespace, whatever its tag.
   *
   * @param namespace from {@link KeyLayout#namespace(String, String)}, or a prefix's {@link
   *     KeyLayout#keysOf(String)}
   */
  static byte[] scanPattern(String namespace) {
    return ("{????}" + KeyLayout.scanPattern(namespace)).getBytes(StandardCharsets.UTF_8);
  }

  /** Whether a Redis name begins, after its tag, with {@code start}. */
  static boolean startsWith(byte[] name, byte[] start) {
    if (name.length < TAG_LENGTH + start.length) {
      return false;
    }
    for (int i = 0; i < start.length; i++) {
      if (name[TAG_LENGTH + i] != start[i]) {
        return false;
      }
    }
    return true;
  }
}
