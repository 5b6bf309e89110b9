package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The names an invalidation's drain makes from the bytes it reads must be the ones a write makes
 * from the key: a fence raised under another name, or for another tag, refuses nothing.
 */
class ClusterKeysTest {
  private static final String OWNER = KeyLayout.namespace("p", "m") + ":seq";

  private static List<String> keys() {
    String ns = KeyLayout.namespace("p", "m");
    return List.of(
        KeyLayout.entryKey(ns, "user:42"),
        KeyLayout.entryKey(ns, ""),
        KeyLayout.entryKey(ns, "naïve:ключ:\uD83D\uDE00"),
        KeyLayout.entryKey(ns, "com.example.Orders#order(long)[7]"));
  }

  @Test
  void aMemberReadBackNamesAndTagsTheEntryAsItsKeyDoes() {
    for (int i = 0; i < 5_000; i++) {
      for (String key : keys()) {
        String varied = key + i;
        byte[] member = varied.getBytes(UTF_8);
        int tag = ClusterKeys.tag(varied);
        assertThat(ClusterKeys.tag(member)).as(varied).isEqualTo(tag);
        assertThat(ClusterKeys.ofMember(member, ClusterKeys.tag(member)))
            .as(varied)
            .isEqualTo(ClusterKeys.of(varied));
      }
    }
  }

  @Test
  void theTagFencesOfATagAreInItsSlotAndSharedOnlyByTheTagsOfThatSlot() {
    Map<Integer, byte[]> fencesBySlot = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (int tag = 0; tag < 1 << 14; tag++) {
      int slot = ClusterKeys.slotOfTag(tag);
      byte[] fences = ClusterKeys.tagFences(tag, OWNER);
      assertThat(JedisClusterCRC16.getSlot(fences)).as("tag %d", tag).isEqualTo(slot);
      byte[] first = fencesBySlot.putIfAbsent(slot, fences);
      if (first != null) {
        assertThat(fences).as("tag %d", tag).isEqualTo(first);
      }
      names.add(new String(fences, UTF_8));
      assertThat(new String(ClusterKeys.tagMember(tag), UTF_8))
          .isEqualTo(String.format("%04x", tag));
    }
    assertThat(names).hasSize(fencesBySlot.size());
    assertThat(fencesBySlot).hasSize(6_768);
  }
}
