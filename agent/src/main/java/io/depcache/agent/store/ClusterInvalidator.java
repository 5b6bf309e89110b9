package io.depcache.agent.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * How {@link RedisClusterStore} invalidates dependencies and deletes entries, every step in one
 * slot (the class comment of {@link RedisClusterStore} says why no racing write lands stale):
 *
 * <ol>
 *   <li>a sequence {@code f1}; each dependency fenced with it and its set detached, in its slot
 *       ({@link #detach});
 *   <li>a second sequence {@code f2};
 *   <li>each detached set read a page of {@value #PAGE} members at a time, by position (it never
 *       changes again), up to {@value #CHUNK} members; those grouped by slot, and each group (up to
 *       {@value #GROUP} entries) fenced by the fences of its entries' tags with {@code f2} and
 *       unlinked, three plain commands in its slot, the groups of each node on one connection of
 *       that node and all nodes at once ({@link ClusterScripts#fenceAndUnlink}); a group that
 *       failed made again entry by entry by {@code cluster-unlink.lua}; a drained set goes, and off
 *       its dependency's sets being drained, in one step.
 * </ol>
 *
 * The detach and each node's fences and unlinks return only once a replica of the node has them
 * ({@link ClusterScripts#runAcknowledged}): a primary that crashes then does not take them with it.
 *
 * <p>Every set on a dependency's sets being drained is drained before the invalidation returns, so
 * an invalidation that stopped half way (a crash, a timeout, a failover) is finished by the next
 * one of the dependency, or by its own retry. No command touches more than one slot, and none runs
 * long: a page is one {@code ZRANGE}, a group a {@code ZADD} of at most five tags, a {@code
 * PEXPIRE} and an {@code UNLINK} of at most {@value #GROUP} entries.
 */
final class ClusterInvalidator {
  /** Members read per {@code ZRANGE}. */
  static final int PAGE = 4096;

  /**
   * Members fenced and unlinked per round: read first, then grouped by tag. Entries are spread over
   * the 16,384 slots, so the more members a round has, the more share a call.
   */
  static final int CHUNK = 131_072;

  /** Entries one slot group (or one call of {@code cluster-unlink.lua}) unlinks at most. */
  static final int GROUP = 256;

  /** Redis Cluster's slots. */
  private static final int SLOTS = 16_384;

  private static final LuaScript DETACH = LuaScript.load("cluster-detach.lua");
  private static final LuaScript FINISH = LuaScript.load("cluster-finish.lua");
  private static final byte[] DRAINING_TTL = bytes(Long.toString(3_600_000L));

  private final UnifiedJedis client;
  private final ClusterScripts scripts;
  private final String description;
  private final RedisClusterStore store;

  ClusterInvalidator(
      UnifiedJedis client, ClusterScripts scripts, String description, RedisClusterStore store) {
    this.client = client;
    this.scripts = scripts;
    this.description = description;
    this.store = store;
  }

  /** A detached set to drain: its Redis name and its dependency's sets being drained. */
  record Detached(byte[] set, byte[] draining) {}

  /** See {@link CacheStore#invalidate}. */
  long invalidate(Collection<String> dependencyKeys) {
    return drainAll(
        detach(new ArrayList<>(new LinkedHashSet<>(dependencyKeys)), store.nextSequence()));
  }

  /**
   * Drains detached sets, fencing their members with a sequence taken now: after every detach, so
   * above the sequence of every write registered in a detached set.
   *
   * @return how many entries existed and were removed
   */
  long drainAll(List<Detached> sets) {
    long fence = store.nextSequence();
    long removed = 0;
    for (Detached set : sets) {
      removed += drain(set, fence);
    }
    return removed;
  }

  /**
   * Fences the dependencies with a sequence and detaches their sets.
   *
   * @return the sets to drain: the ones detached now, and every other set of these dependencies
   *     still being drained
   */
  List<Detached> detach(List<String> dependencyKeys, long sequence) {
    return detach(detachCalls(dependencyKeys, sequence, RedisInvalidator.uniqueName()));
  }

  /**
   * The calls of {@code cluster-detach.lua} that fence the dependencies with a sequence and detach
   * each set under a name made of {@code unique}.
   */
  static List<ClusterScripts.Call> detachCalls(
      List<String> dependencyKeys, long sequence, String unique) {
    byte[] fence = bytes(Long.toString(sequence));
    List<ClusterScripts.Call> calls = new ArrayList<>(dependencyKeys.size());
    for (String dependencyKey : dependencyKeys) {
      calls.add(
          new ClusterScripts.Call(
              List.of(
                  ClusterKeys.of(dependencyKey),
                  ClusterKeys.of(dependencyKey, RedisClusterStore.FENCE),
                  ClusterKeys.of(dependencyKey, "\u0000draining"),
                  ClusterKeys.of(dependencyKey, "\u0000invalidating:" + unique)),
              List.of(fence, RedisClusterStore.FENCE_RETENTION, DRAINING_TTL)));
    }
    return calls;
  }

  /**
   * Runs detach calls. {@link ClusterScripts#runAcknowledged} may run a call twice (its {@code
   * WAIT} cut short by a failover, its connection broken after the script ran): the script then
   * reports the set its first run detached (cluster-detach.lua), so that it is drained all the
   * same.
   *
   * @return the sets to drain
   */
  List<Detached> detach(List<ClusterScripts.Call> calls) {
    List<Object> replies = scripts.runAcknowledged(DETACH, calls);
    List<Detached> sets = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      List<byte[]> keys = calls.get(i).keys();
      List<?> reply = (List<?>) replies.get(i);
      if ((Long) reply.get(0) == 1) {
        sets.add(new Detached(keys.get(3), keys.get(2)));
      }
      for (Object other : reply.subList(1, reply.size())) {
        sets.add(new Detached((byte[]) other, keys.get(2)));
      }
    }
    return sets;
  }

  /**
   * Fences and unlinks every member of a detached set, a page at a time, then the set.
   *
   * @return how many entries existed and were removed
   */
  long drain(Detached set, long fence) {
    byte[] sequence = bytes(Long.toString(fence));
    long removed = 0;
    List<byte[]> entries = new ArrayList<>();
    for (long from = 0; ; from += PAGE) {
      long first = from;
      List<byte[]> members =
          call("ZRANGE", () -> client.zrange(set.set(), first, first + PAGE - 1));
      entries.addAll(members);
      if (entries.size() >= CHUNK) {
        removed += unlinkTagged(entries, sequence);
        entries.clear();
      }
      if (members.size() < PAGE) {
        break;
      }
    }
    if (!entries.isEmpty()) {
      removed += unlinkTagged(entries, sequence);
    }
    List<byte[]> keys = List.of(set.set(), set.draining());
    call("finish script", () -> FINISH.run(client, keys, List.of()));
    return removed;
  }

  /**
   * Fences the tags of entries and unlinks them ({@link ClusterScripts#fenceAndUnlink}): per slot
   * (up to {@value #GROUP} of its entries) one {@code ZADD GT} of the fences of their tags, its
   * {@code PEXPIRE} and one {@code UNLINK}, the groups of each node pipelined on one connection,
   * the nodes at once, acknowledged by a replica. A group that could not be done so (a slot that
   * moved or is moving, a failover) is made again as a delete makes it: each entry fenced and
   * unlinked by {@code cluster-unlink.lua}, which follows redirections.
   *
   * @param members entry keys as a dependency set holds them (UTF-8)
   * @return how many entries existed and were removed
   */
  private long unlinkTagged(List<byte[]> members, byte[] sequence) {
    int n = members.size();
    int[] tags = new int[n];
    int[] starts = new int[SLOTS + 1];
    for (int i = 0; i < n; i++) {
      tags[i] = ClusterKeys.tag(members.get(i));
      starts[ClusterKeys.slotOfTag(tags[i]) + 1]++;
    }
    for (int slot = 0; slot < SLOTS; slot++) {
      starts[slot + 1] += starts[slot];
    }
    // The members in the order of their slots (a counting sort), each slot's in the order read.
    int[] bySlot = new int[n];
    int[] next = Arrays.copyOf(starts, SLOTS);
    for (int i = 0; i < n; i++) {
      bySlot[next[ClusterKeys.slotOfTag(tags[i])]++] = i;
    }
    List<ClusterScripts.SlotGroup> groups = new ArrayList<>();
    List<int[]> ranges = new ArrayList<>(); // of bySlot, per group: the members to make again
    String owner = store.sequenceKey();
    for (int slot = 0; slot < SLOTS; slot++) {
      for (int from = starts[slot]; from < starts[slot + 1]; from += GROUP) {
        int to = Math.min(from + GROUP, starts[slot + 1]);
        List<byte[]> names = new ArrayList<>(to - from);
        // A slot has one to five tags (ClusterKeys): a short array, no boxing.
        int[] distinct = new int[8];
        int tagCount = 0;
        for (int k = from; k < to; k++) {
          int i = bySlot[k];
          names.add(ClusterKeys.ofMember(members.get(i), tags[i]));
          int seen = 0;
          while (seen < tagCount && distinct[seen] != tags[i]) {
            seen++;
          }
          if (seen == tagCount) {
            if (tagCount == distinct.length) {
              distinct = Arrays.copyOf(distinct, 2 * tagCount);
            }
            distinct[tagCount++] = tags[i];
          }
        }
        List<byte[]> fenced = new ArrayList<>(tagCount);
        for (int t = 0; t < tagCount; t++) {
          fenced.add(ClusterKeys.tagMember(distinct[t]));
        }
        groups.add(
            new ClusterScripts.SlotGroup(
                slot, ClusterKeys.tagFences(distinct[0], owner), fenced, names));
        ranges.add(new int[] {from, to});
      }
    }
    long[] replies = scripts.fenceAndUnlink(groups, sequence, RedisClusterStore.FENCE_RETENTION);
    long removed = 0;
    List<String> again = new ArrayList<>();
    for (int g = 0; g < replies.length; g++) {
      if (replies[g] >= 0) {
        removed += replies[g];
      } else {
        for (int k = ranges.get(g)[0]; k < ranges.get(g)[1]; k++) {
          again.add(new String(members.get(bySlot[k]), StandardCharsets.UTF_8));
        }
      }
    }
    if (!again.isEmpty()) {
      removed += unlink(again, sequence);
    }
    return removed;
  }

  /**
   * Deletes entries: one sequence, then each entry fenced with it and unlinked.
   *
   * @return how many existed and were removed
   */
  long unlinkFenced(Collection<String> entryKeys) {
    byte[] sequence = bytes(Long.toString(store.nextSequence()));
    List<String> batch = new ArrayList<>(Math.min(entryKeys.size(), CHUNK));
    long removed = 0;
    for (String entryKey : entryKeys) {
      batch.add(entryKey);
      if (batch.size() == CHUNK) {
        removed += unlink(batch, sequence);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      removed += unlink(batch, sequence);
    }
    return removed;
  }

  /**
   * Fences and unlinks entries: one call of {@code cluster-unlink.lua} per slot and up to {@value
   * #GROUP} entries, the calls of each node on one connection, acknowledged by a replica.
   */
  private long unlink(List<String> entryKeys, byte[] sequence) {
    List<byte[]> args = List.of(sequence, RedisClusterStore.FENCE_RETENTION);
    Map<Integer, List<byte[]>> bySlot = new HashMap<>();
    List<ClusterScripts.Call> calls = new ArrayList<>();
    for (String entryKey : entryKeys) {
      int slot = ClusterKeys.slot(entryKey);
      List<byte[]> keys = bySlot.computeIfAbsent(slot, s -> new ArrayList<>());
      keys.add(ClusterKeys.of(entryKey));
      keys.add(ClusterKeys.of(entryKey, RedisClusterStore.FENCE));
      if (keys.size() == 2 * GROUP) {
        calls.add(new ClusterScripts.Call(keys, args));
        bySlot.remove(slot);
      }
    }
    for (List<byte[]> keys : bySlot.values()) {
      calls.add(new ClusterScripts.Call(keys, args));
    }
    long removed = 0;
    for (Object reply : scripts.runAcknowledged(RedisClusterStore.UNLINK, calls)) {
      removed += (Long) reply;
    }
    return removed;
  }

  private <T> T call(String operation, Supplier<T> action) {
    return ClusterCalls.run(description, operation, action);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
