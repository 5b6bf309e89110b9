package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link CacheStore} on Redis Cluster, through Jedis' cluster client. No command spans two slots
 * ({@link ClusterKeys}: a key and its internal keys share a hash tag); a hit is one {@code GET} on
 * the entry's node. Where the standalone store writes in one script, this one takes several steps,
 * each in one slot, and keeps the outcomes of {@link CacheStore}.
 *
 * <p><b>The sequence.</b> One key, the store's sequence ({@code {prefix}:seq} behind its tag),
 * gives every fence its number ({@code cluster-next-sequence.lua}): the server's clock in
 * microseconds, or one more than the last number when that is past the clock. A miss reads it,
 * after the entry's {@code GET} and before its computation starts. Numbers from one key are totally
 * ordered: a fence taken after a miss read the sequence is above what the miss read. Independent
 * counters per slot cannot do this: a computation learns its dependencies as it runs, after its
 * data was read, so the number it started with must be comparable with the fence of any dependency,
 * in any slot. The per-dependency state is the fence: each dependency's fence ({@code \0fence}, in
 * its slot) holds the sequence of its last invalidation, and an entry's fence that of its last
 * delete or invalidation.
 *
 * <p><b>A fenced write</b> ({@link #putIfUnchangedSince}), for a computation that read the sequence
 * {@code s}, and data for dependency {@code d} at {@code s_d <= s}:
 *
 * <ol>
 *   <li>registers the entry in each dependency's set, in that dependency's slot, unless the
 *       dependency's fence is above {@code s_d} ({@code cluster-register.lua}): refused;
 *   <li>writes the entry, in its slot, unless the entry's fence is above {@code s} ({@code
 *       cluster-write.lua}): refused. Not {@code s_d}: an entry hit inside the computation may be
 *       older than any invalidation of this entry, and a fresh computation must not be refused for
 *       that; its dependencies are checked by their own fences in step 1.
 * </ol>
 *
 * <p><b>An invalidation</b> ({@link #invalidate}) takes a sequence {@code f1}; fences each
 * dependency with {@code f1} and renames its set away, in the dependency's slot ({@code
 * cluster-detach.lua}); takes a second sequence {@code f2}; then reads each detached set a page at
 * a time and, for each member, fences the entry with {@code f2} and unlinks it, in the entry's
 * slot; it returns once every detached set of its dependencies (its own, and those of invalidations
 * running at the same time or stopped half way) is drained.
 *
 * <p><b>Why a racing write cannot land stale.</b> Take a computation {@code C} and an invalidation
 * {@code I} of one of its dependencies {@code d}, where {@code I} matters: its first sequence was
 * taken after {@code C} read its data for {@code d}, so {@code f1 > s_d}. Step 1 of {@code C} and
 * the detach of {@code I} run in {@code d}'s slot, one after the other:
 *
 * <ul>
 *   <li>{@code I}'s detach first: {@code C} finds the fence {@code f1 > s_d} and is refused.
 *   <li>{@code C}'s registration first: the entry is in the set that {@code I} detaches, so {@code
 *       I} fences it with {@code f2} and unlinks it before it returns (see <em>Fencing an
 *       entry</em> below). {@code f2} was taken after the detach, so after {@code C} read the
 *       sequence: {@code f2 > s}. {@code C}'s step 2 and {@code I}'s fence and unlink run in the
 *       entry's slot, the fence before the unlink: if the write comes before the fence, the unlink
 *       removes it; if after, the write finds {@code f2} and is refused.
 * </ul>
 *
 * Either way, no entry of {@code C} is visible once {@code I} returned. The second sequence also
 * covers an invalidation whose {@code f1} came <em>before</em> {@code C} read the sequence but
 * whose detach came after {@code C} registered (the two steps of {@code I} are two round trips):
 * without it the entry's fence would not refuse {@code C}'s write, and an entry written after the
 * unlink would be visible without being registered in {@code d}'s fresh set, so a later
 * invalidation would miss it. Fences only rise (a fence of one key may arrive after a later one),
 * and a delete fences and unlinks each entry as an invalidation's drain does. {@link #put} is a
 * fenced write with the sequence read at its start: racing an invalidation, it is either refused
 * (as if it had come first) or registered where that invalidation, or the next, finds it.
 *
 * <p><b>Fencing an entry.</b> An invalidation's drain fences the entry's <em>tag</em> ({@link
 * ClusterKeys}: 16,384 of them, in 6,768 slots), not the entry: the fences of a slot's tags are one
 * sorted set in that slot ({@code {rrrr}sequenceKey\0tag-fences}, {@code rrrr} the slot's first
 * tag), each tag a member scored by the highest sequence it was fenced with. The drain groups the
 * entries it unlinks by slot; per group, one {@code ZADD GT} raises the fences of the group's tags
 * (so each only rises), a {@code PEXPIRE} sets the set's life to {@link #FENCE_RETENTION_MILLIS},
 * then the group's entries are unlinked: three plain commands, sent in that order on one connection
 * of the slot's primary, so the node runs the fences before the unlink ({@link
 * ClusterScripts#fenceAndUnlink}). They need not be atomic: a write between them finds the fence.
 * {@code cluster-write.lua} refuses a write when the entry's own fence or its tag's fence is above
 * the sequence the computation read, so the argument above holds with either. The price of the
 * shared fence: a write of another entry of the same tag whose computation read the sequence before
 * {@code f2} is refused too (a miss, not a stale value). A group the pipeline could not complete
 * (MOVED, ASK, {@code TRYAGAIN}, a broken connection, a {@code WAIT} cut short by a failover), some
 * of its commands perhaps run, is made again entry by entry by {@code cluster-unlink.lua} (each
 * entry's own fence, then the unlink, following redirections) before the invalidation returns: an
 * entry a write put back between an unlink without its fence and that second pass is removed by it.
 * A delete fences each entry itself ({@code cluster-unlink.lua}). An agent from before these fences
 * (one that reads only the entry's fence, or a fence key per tag) must not share a cluster with
 * this one while invalidations run.
 *
 * <p><b>Whole entries.</b> An entry is written only after it joined every set, so one a reader sees
 * is registered in each, or in a set detached by an invalidation that has not returned yet and that
 * removes it. A failure part way leaves registrations of no entry, which an invalidation passes
 * over.
 *
 * <p><b>A lost sequence.</b> The sequence never goes back below what it gave out, while the nodes'
 * clocks agree to better than the time between the lost fence and the next (a failover takes
 * seconds): numbers are microseconds of the clock. A lookup that finds no sequence reads {@code 0},
 * which any fence refuses.
 *
 * <p><b>A primary that crashes.</b> Redis replicates asynchronously: a primary that crashes takes
 * with it the writes its replica had not received, and here a lost registration, fence or unlink
 * would orphan an entry (one visible on another node that no set of its dependency names, or an
 * unlinked entry back), served stale until its ttl. So each step the argument above rests on
 * returns only once a replica has it: the calls of a node go on one connection of that node,
 * followed in the same round trip by {@code WAIT 1 t} ({@code t} half the timeout), which returns
 * once a replica acknowledged every write of that connection ({@link
 * ClusterScripts#runAcknowledged}):
 *
 * <ul>
 *   <li>the registrations of a write, before its entry is written: an entry is visible only once a
 *       replica of each dependency's node has it in the set;
 *   <li>the detach of an invalidation (the dependency's fence, its set renamed and listed as being
 *       drained), and each node's fences and unlinks of the drain (and of a delete), before it
 *       returns.
 * </ul>
 *
 * Not waited for: a hit (one {@code GET}) and a lookup, the entry's write (lost, it is a miss), the
 * end of a drain (lost, the set is still listed as being drained, and the next invalidation of the
 * dependency drains it again), the sequence (the clock covers it), leases. A primary that has no
 * replica, as {@code CLUSTER SLOTS} lists them (a replica marked failed is not listed), is not
 * waited for: a cluster without replicas works as before, and loses what a crash loses. When a
 * {@code WAIT} returns without an acknowledgement, the topology is read again; if the primary still
 * has a replica, the call fails ({@link StoreException}): a write's entry is then not written, and
 * an invalidation is retried by the {@link ResilientStore} until it is applied
 * (ClusterPrimaryLossIT). What it cannot cover: a replica that acknowledged and then died too (or a
 * crash of both at once); with more than one replica per primary, a failover to another replica
 * than the one that acknowledged ({@code WAIT 1} waits for one; Redis lets the replica with the
 * most data stand first, which usually but not always wins); and the writes of a primary that is
 * restarted without persistence before its replica took over (it comes back empty). A {@code
 * CLUSTER FAILOVER} waits for the replica and loses nothing.
 *
 * <p><b>The price.</b> A hit is one {@code GET} and never waits for a replica; a miss is two round
 * trips (the entry, then the sequence); a fenced write one per dependency node, each carrying the
 * registrations and their {@code WAIT} (so a replica's acknowledgement, on a local network well
 * under a millisecond), and one for the entry; an invalidation a round trip per node for its
 * detaches, a {@code ZRANGE} per {@value ClusterInvalidator#PAGE} dependents, and per {@value
 * ClusterInvalidator#CHUNK} dependents one round trip to every primary at once, each in a thread of
 * its own (three plain commands per slot group, then a {@code WAIT}); it leaves a fence per tag it
 * touched for {@link #FENCE_RETENTION_MILLIS}. {@link #clear} scans every primary.
 */
public final class RedisClusterStore implements CacheStore {
  static final int BATCH = 500;

  private static final LuaScript NEXT_SEQUENCE = LuaScript.load("cluster-next-sequence.lua");
  private static final LuaScript REGISTER = LuaScript.load("cluster-register.lua");
  private static final LuaScript WRITE = LuaScript.load("cluster-write.lua");
  static final LuaScript UNLINK = LuaScript.load("cluster-unlink.lua");
  private static final LuaScript RELEASE = LuaScript.load("release.lua");
  static final String FENCE = "\u0000fence";
  static final byte[] FENCE_RETENTION = bytes(Long.toString(FENCE_RETENTION_MILLIS));

  private final ClusterClients clients;
  private final String description;
  private final String sequenceKey;
  private final byte[] sequenceName;

  /**
   * The highest sequence this store has read: what a hit reports, a sequence no later than the
   * store's (the call path fences nothing by a hit).
   */
  private final AtomicLong lastSequence = new AtomicLong();

  RedisClusterStore(ClusterClients clients, String sequenceKey) {
    this.clients = clients;
    this.description = clients.describe();
    this.sequenceKey = sequenceKey;
    this.sequenceName = ClusterKeys.of(sequenceKey);
  }

  /**
   * Creates a store for a Redis Cluster without connecting yet.
   *
   * @param nodes {@code host:port} of some of the cluster's nodes
   * @param timeoutMs the connect and read timeout of every call, in milliseconds
   * @param sequenceKey the key of the store's invalidation sequence, e.g. {@code depcache:seq}
   * @return the store
   */
  public static RedisClusterStore connect(List<String> nodes, int timeoutMs, String sequenceKey) {
    return new RedisClusterStore(new ClusterClients(nodes, timeoutMs), sequenceKey);
  }

  /**
   * The name a key of {@link KeyLayout} has on the cluster, its hash tag first: for tools and
   * benchmarks that read or fill the cluster beside the store.
   */
  public static byte[] storedName(String key) {
    return ClusterKeys.of(key);
  }

  /**
   * The store of a manager's settings: its cluster nodes and timeout, and its ACL user, password
   * and TLS ({@link RedisClients#clusterNodeConfig}). Nothing connects before the first call.
   */
  public static RedisClusterStore connect(ManagerConfig settings, String sequenceKey) {
    return new RedisClusterStore(
        new ClusterClients(
            settings.clusterNodes(),
            settings.timeoutMs(),
            () -> RedisClients.clusterNodeConfig(settings)),
        sequenceKey);
  }

  @Override
  public byte[] get(String entryKey) {
    byte[] name = ClusterKeys.of(entryKey);
    return call("GET", () -> client().get(name));
  }

  /**
   * A hit is one {@code GET} on the entry's node. A miss then reads the sequence, on its node,
   * before the computation that the miss starts reads anything.
   */
  @Override
  public Lookup lookup(String entryKey) {
    byte[] value = get(entryKey);
    if (value != null) {
      return new Lookup(value, lastSequence.get());
    }
    return new Lookup(null, readSequence());
  }

  /** The store's sequence now; {@code 0} when it has none. */
  long readSequence() {
    long sequence = RedisStore.sequenceOf(call("GET", () -> client().get(sequenceName)));
    lastSequence.accumulateAndGet(sequence, Math::max);
    return sequence;
  }

  /** Takes a new sequence, above every one given out before. */
  long nextSequence() {
    List<byte[]> keys = List.of(sequenceName);
    Object text = call("sequence script", () -> NEXT_SEQUENCE.run(client(), keys, List.of()));
    long sequence = Long.parseLong(new String((byte[]) text, StandardCharsets.US_ASCII));
    lastSequence.accumulateAndGet(sequence, Math::max);
    return sequence;
  }

  @Override
  public boolean tryLease(String entryKey, String token, long millis) {
    byte[] key = ClusterKeys.of(entryKey, "\u0000lease");
    SetParams params = SetParams.setParams().nx().px(millis);
    return call("SET NX", () -> client().set(key, bytes(token), params)) != null;
  }

  @Override
  public void releaseLease(String entryKey, String token) {
    List<byte[]> keys = List.of(ClusterKeys.of(entryKey, "\u0000lease"));
    call("release script", () -> RELEASE.run(client(), keys, List.of(bytes(token))));
  }

  @Override
  public boolean exists(String entryKey) {
    byte[] name = ClusterKeys.of(entryKey);
    return call("EXISTS", () -> client().exists(name));
  }

  @Override
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    checkTtl(ttlMillis);
    long sequence = readSequence();
    long[] sequences = new long[dependencyKeys.size()];
    Arrays.fill(sequences, sequence);
    write(entryKey, value, ttlMillis, List.copyOf(dependencyKeys), sequence, sequences);
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    FenceArguments.check(sequence, dependencyKeys, dependencySequences);
    checkTtl(ttlMillis);
    return write(entryKey, value, ttlMillis, dependencyKeys, sequence, dependencySequences);
  }

  /** The two steps of a fenced write (see the class comment). */
  private boolean write(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    return register(entryKey, ttlMillis, dependencyKeys, dependencySequences)
        && writeEntry(entryKey, value, ttlMillis, sequence);
  }

  /**
   * Step 1 of a fenced write: registers the entry in each dependency's set, in that dependency's
   * slot, unless its fence is above the sequence at which data for it was read.
   *
   * @return whether every fence allowed it
   */
  boolean register(
      String entryKey, long ttlMillis, List<String> dependencyKeys, long[] dependencySequences) {
    if (dependencyKeys.isEmpty()) {
      return true;
    }
    byte[] ttl = bytes(Long.toString(ttlMillis));
    byte[] member = bytes(entryKey);
    List<ClusterScripts.Call> registrations = new ArrayList<>(dependencyKeys.size());
    for (int i = 0; i < dependencyKeys.size(); i++) {
      String dependencyKey = dependencyKeys.get(i);
      registrations.add(
          new ClusterScripts.Call(
              List.of(ClusterKeys.of(dependencyKey), ClusterKeys.of(dependencyKey, FENCE)),
              List.of(member, ttl, bytes(Long.toString(dependencySequences[i])))));
    }
    boolean allowed = true;
    for (Object reply : scripts().runAcknowledged(REGISTER, registrations)) {
      allowed &= (Long) reply > 0;
    }
    return allowed;
  }

  /**
   * Step 2 of a fenced write: writes the entry, in its slot, unless its fence is above {@code
   * sequence}.
   *
   * @param sequence from the lookup that missed
   * @return whether written
   */
  boolean writeEntry(String entryKey, byte[] value, long ttlMillis, long sequence) {
    int tag = ClusterKeys.tag(entryKey);
    List<byte[]> keys =
        List.of(
            ClusterKeys.of(entryKey),
            ClusterKeys.of(entryKey, FENCE),
            ClusterKeys.tagFences(tag, sequenceKey));
    List<byte[]> args =
        List.of(
            value,
            bytes(Long.toString(ttlMillis)),
            bytes(Long.toString(sequence)),
            ClusterKeys.tagMember(tag));
    return (Long) call("write script", () -> WRITE.run(client(), keys, args)) > 0;
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    if (entryKeys.isEmpty()) {
      return 0;
    }
    return new ClusterInvalidator(client(), scripts(), description, this).unlinkFenced(entryKeys);
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    if (dependencyKeys.isEmpty()) {
      return 0;
    }
    return invalidator().invalidate(dependencyKeys);
  }

  /** The steps of {@link #invalidate}, for tests that stop one half way. */
  ClusterInvalidator invalidator() {
    return new ClusterInvalidator(client(), scripts(), description, this);
  }

  @Override
  public long clear(String namespace) {
    return clients.clear(namespace, KeyLayout.entryKeysOf(namespace));
  }

  @Override
  public long ttlMillis(String entryKey) {
    byte[] name = ClusterKeys.of(entryKey);
    return call("PTTL", () -> client().pttl(name));
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    clients.close();
  }

  /** The sequence key this store fences with, as {@link KeyLayout} names it. */
  /** The near cache's channel, on this store's client: see {@link NearChannel#onCluster}. */
  @Override
  public NearChannel openNearChannel(ManagerConfig settings) {
    return NearChannel.onCluster(clients, sequenceKey);
  }

  String sequenceKey() {
    return sequenceKey;
  }

  private UnifiedJedis client() {
    return clients.client();
  }

  ClusterScripts scripts() {
    return clients.scripts();
  }

  private <T> T call(String operation, Supplier<T> action) {
    return ClusterCalls.run(description, operation, action);
  }

  private static void checkTtl(long ttlMillis) {
    if (ttlMillis < 0) {
      throw new IllegalArgumentException("ttlMillis must be >= 0, got " + ttlMillis);
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
