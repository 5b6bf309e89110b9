package io.depcache.agent.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * How {@link RedisStore} invalidates dependencies: one script fences them, detaches their sets and
 * drains those for a while; scripts bounded by time remove the entries that are left.
 *
 * <p>Fence, detach and the first part of the drain are one step ({@code detach.lua}), so a small
 * invalidation is one round trip: the fence is set before any entry is removed, so a computation
 * that read before it is refused, and whatever was written before it is in the set renamed away;
 * registrations arriving later start a fresh set. A detached set never changes again, so the drain
 * ({@code drain-sets.lua}, and {@code drain.lua} for what one budget did not finish) reads it a
 * page at a time instead of taking its members out one by one: by position, since a dependency set
 * is a sorted set ({@code put.lua}), or with SSCAN for a plain set that an agent before the sorted
 * sets wrote. It unlinks the entries of each page in the same script and, once it has read every
 * member, unlinks the set and takes it off its dependency's sets being drained. A set on that list
 * may still have visible entries; every invalidation of the dependency drains every set on it
 * before it returns, so an invalidation that stopped half way (a crash, a timeout, Redis going
 * away) is finished by the next one, or by its own retry.
 *
 * <p>A drain script stops after about {@value #BUDGET_MICROS} µs by the server's clock, or after
 * {@value #MAX_MEMBERS} members whatever the clock says: the batch adapts to how fast the server is
 * at that moment, and no command runs long whatever the number of dependents. One script drains
 * many small sets, so invalidating many dependencies with few dependents takes few round trips.
 *
 * <p>A sorted set of more than {@value #SCRIPT_MOST} members is only detached by the script: this
 * class reads it, up to {@value #READ} members at a time by position, and unlinks them {@value
 * #UNLINK_BATCH} keys to a command, pipelined on one connection with the read of the next page, so
 * that the client takes in one page while Redis unlinks the one before. Reading members in a script
 * costs Redis about 0.3 µs a member, for turning them into Lua values: 40 % on top of the unlinking
 * itself, against little for a reply to the client ({@code DrainCostProbe} in the benchmarks,
 * {@code docs/benchmarks.md}). No command takes long: a page is read in well under a millisecond,
 * and a batch unlinked in about one. Once every page was unlinked, the same pipeline unlinks the
 * set and takes it off its dependency's sets being drained, as a drain script would.
 */
final class RedisInvalidator {
  /**
   * How long one drain script runs, about, by the server's clock (it stops at the first page that
   * ends past it): well under the 10 ms that no command may take, so that a server slowed down at
   * that moment, or waiting for a core it shares, still stays under it; and long enough that the
   * round trips between scripts cost a few percent.
   */
  static final long BUDGET_MICROS = 2_000;

  /** Members per page: the step at which a drain script looks at the clock. */
  static final int PAGE = 256;

  /** Members one drain script removes at most, should the clock not move. */
  static final int MAX_MEMBERS = 40 * PAGE;

  /** Dependencies fenced and detached by one script. */
  static final int DETACH_GROUP = 128;

  /** Detached sets one drain script works through at most. */
  static final int SETS_PER_DRAIN = 64;

  /** The most members of a sorted set that a script drains; the client reads a larger one. */
  static final int SCRIPT_MOST = 1_024;

  /**
   * Members of a sorted set read by its first {@code ZRANGE}: small, so that Redis gets the first
   * unlinks soon; each page after it reads {@value #GROWTH} times as many, up to {@value #READ}.
   */
  static final int FIRST_READ = 1_024;

  /**
   * How much larger each page is than the one before: 4, so that 10,000 members take three reads
   * (1,024, 4,096, 8,192) and four round trips, where doubling took four reads; every round trip
   * costs Redis a wake-up on cores it shares (docs/benchmarks.md, "Invalidation: pages that grow
   * faster").
   */
  static final int GROWTH = 4;

  /** Members of a sorted set read by one {@code ZRANGE} at most. */
  static final int READ = 8_192;

  /**
   * The most dependencies of one invalidation whose detached sets are read with the detach script
   * ({@link #detachAhead}): a read costs little, but more than nothing for a set the script
   * drained.
   */
  static final int READ_AHEAD = 8;

  /** Keys unlinked by one {@code UNLINK} of a sorted set's page. */
  static final int UNLINK_BATCH = 1_024;

  private static final LuaScript DETACH =
      LuaScript.load("next-sequence.lua", "drain-sets.lua", "detach.lua");
  private static final LuaScript DRAIN = LuaScript.load("drain-sets.lua", "drain.lua");
  private static final byte[] DRAINING_TTL = bytes(Long.toString(3_600_000L));
  private static final byte[] FENCE_RETENTION =
      bytes(Long.toString(CacheStore.FENCE_RETENTION_MILLIS));
  private static final byte[] DRAIN_BUDGET = bytes(Long.toString(BUDGET_MICROS));
  private static final byte[] DRAIN_PAGE = bytes(Integer.toString(PAGE));
  private static final byte[] DRAIN_MAX = bytes(Integer.toString(MAX_MEMBERS));
  private static final byte[] DETACH_SCRIPT_MOST = bytes(Integer.toString(SCRIPT_MOST));
  private static final byte[] START = bytes("0");

  /** What names this JVM's detached sets apart from every other JVM's. */
  private static final String JVM_UNIQUE = UUID.randomUUID().toString();

  /** Names this JVM's detached sets apart from each other. */
  private static final AtomicLong DETACHMENTS = new AtomicLong();

  /**
   * A name no other detachment of any JVM has: this JVM's id and a counter, without a {@link
   * UUID}'s {@code SecureRandom} per call. The cluster's invalidator names its detached sets with
   * it too.
   */
  static String uniqueName() {
    return JVM_UNIQUE + ":" + DETACHMENTS.incrementAndGet();
  }

  private final UnifiedJedis client;
  private final Supplier<Connection> connections;
  private final String redactedUrl;
  private final byte[] sequenceKey;
  private final byte[] epochKey;

  /**
   * @param connections connections of {@code client}'s pool, one of which reads and unlinks a large
   *     sorted set ({@link #drainSorted}); closing it gives it back
   */
  RedisInvalidator(
      UnifiedJedis client,
      Supplier<Connection> connections,
      String redactedUrl,
      byte[] sequenceKey,
      byte[] epochKey) {
    this.client = client;
    this.connections = connections;
    this.redactedUrl = redactedUrl;
    this.sequenceKey = sequenceKey;
    this.epochKey = epochKey;
  }

  /**
   * A detached set still to be drained, where its reading goes on from, and how many members it
   * holds when it is a sorted set (0 when it is not, or was gone when it was detached).
   */
  static final class Detached {
    final byte[] set;
    final byte[] draining;
    final long sortedSize;
    byte[] cursor = START;

    /**
     * Its first {@value #FIRST_READ} members, when they were read in the round trip that detached
     * it; null otherwise, and once {@link #drainSorted} took them.
     */
    List<byte[]> firstPage;

    /** Which dependency of the detach call it is the set of, -1 for another call's. */
    int ownOf = -1;

    Detached(byte[] set, byte[] draining, long sortedSize) {
      this.set = set;
      this.draining = draining;
      this.sortedSize = sortedSize;
    }

    /** Whether the client reads it ({@link #drainSorted}) rather than a drain script. */
    boolean read() {
      return sortedSize > SCRIPT_MOST;
    }

    boolean done() {
      return cursor.length == 0;
    }
  }

  /** What a detach script did: the entries it removed, and the sets still to be drained. */
  record Detachment(long removed, List<Detached> left) {}

  /**
   * See {@link CacheStore#invalidate(Collection, FollowUp)}: with a follow-up, an invalidation of
   * at most {@value #DETACH_GROUP} dependencies sends its detach script and the follow-up in one
   * round trip (pipelined: Redis runs the follow-up right after it); the follow-up is answered if
   * that detach finished the invalidation, and otherwise the caller runs it again once the drains
   * are done.
   */
  long invalidate(Collection<String> dependencyKeys, FollowUp followUp) {
    Set<String> unique = new LinkedHashSet<>(dependencyKeys);
    if (!unique.isEmpty() && unique.size() <= DETACH_GROUP) {
      return detachAhead(List.copyOf(unique), followUp);
    }
    long removed = 0;
    List<Detached> sets = new ArrayList<>();
    List<String> group = new ArrayList<>(Math.min(dependencyKeys.size(), DETACH_GROUP));
    for (String dependencyKey : new LinkedHashSet<>(dependencyKeys)) {
      group.add(dependencyKey);
      if (group.size() == DETACH_GROUP) {
        Detachment detached = detach(group);
        removed += detached.removed();
        sets.addAll(detached.left());
        group.clear();
      }
    }
    if (!group.isEmpty()) {
      Detachment detached = detach(group);
      removed += detached.removed();
      sets.addAll(detached.left());
    }
    return removed + drainAll(sets);
  }

  /**
   * One detach script for all the dependencies, sent with the follow-up (when there is one) and,
   * for at most {@value #READ_AHEAD} dependencies, a read of the first {@value #FIRST_READ} members
   * of each one's detached set, pipelined: Redis runs them in that order, so a large set's first
   * page comes back with the detachment instead of a round trip later. A set the script drained is
   * gone by then, and its read is empty; a plain set's read fails (WRONGTYPE) and is not used.
   */
  @SuppressWarnings("unchecked") // a ZRANGE's reply
  private long detachAhead(List<String> group, FollowUp followUp) {
    DetachCall detach = detachCall(group);
    int reads = group.size() <= READ_AHEAD ? group.size() : 0;
    List<Response<?>> replies =
        call(
            "detach script",
            () -> {
              try (AbstractPipeline pipeline = client.pipelined()) {
                List<Response<?>> sent = new ArrayList<>(2 + reads);
                sent.add(pipeline.evalsha(DETACH.sha(), detach.keys, detach.args));
                sent.add(
                    followUp == null
                        ? null
                        : pipeline.evalsha(followUp.script.sha(), followUp.keys, followUp.args));
                for (int i = 0; i < reads; i++) {
                  sent.add(pipeline.zrange(detach.keys.get(5 + 4 * i), 0, FIRST_READ - 1));
                }
                pipeline.sync();
                return sent;
              }
            });
    Detachment detached;
    boolean loaded = true;
    try {
      detached = detached(group, detach.keys, (List<?>) replies.get(0).get());
    } catch (JedisDataException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
        throw RedisCalls.failure(redactedUrl, "detach script", e);
      }
      detached = detach(group); // loads the script; the follow-up is the caller's
      loaded = false;
    }
    List<Detached> sets = new ArrayList<>(detached.left());
    if (loaded) {
      for (Detached set : sets) {
        // A set the client reads is one the script only detached: its cursor is at the start.
        if (set.ownOf >= 0 && set.ownOf < reads && set.read()) {
          try {
            set.firstPage = (List<byte[]>) replies.get(2 + set.ownOf).get();
          } catch (JedisDataException e) {
            // not sorted after all: a drain script reads it
          }
        }
      }
      Response<?> followed = replies.get(1);
      if (sets.isEmpty() && followed != null) {
        try {
          followUp.answered(followed.get());
        } catch (JedisDataException e) {
          // not known there yet, or refused: the caller runs it, and learns why
        }
      }
    }
    return detached.removed() + drainAll(sets);
  }

  /**
   * Drains the sets until every one is done: the large sorted sets by reading them, the others by
   * drain scripts. Returns how many entries it removed.
   */
  private long drainAll(List<Detached> sets) {
    long removed = 0;
    List<Detached> scripted = new ArrayList<>();
    for (Detached set : sets) {
      if (set.read()) {
        removed += drainSorted(set, Integer.MAX_VALUE);
      }
      if (!set.done()) {
        scripted.add(set); // not read, or not sorted after all: a script knows every kind
      }
    }
    while (!scripted.isEmpty()) {
      removed += drainOnce(scripted.subList(0, Math.min(scripted.size(), SETS_PER_DRAIN)));
      scripted.removeIf(Detached::done);
    }
    return removed;
  }

  /**
   * Drains a detached sorted set from its cursor by reading it, on one connection of the pool:
   * pages by position, of {@value #FIRST_READ} members, then {@value #GROWTH} times as many each
   * time up to {@value #READ}, each unlinked in batches of {@value #UNLINK_BATCH} keys. One page
   * ahead: the unlinks of a page and the read of the next go out together, and the client then
   * waits for the unlinks of the page before, so Redis unlinks one page while the client takes in
   * the next and writes its unlinks, and never waits for the client. The last round trip unlinks
   * the set and takes it off its dependency's sets being drained. Stops after {@code pages} pages
   * (tests stop half way), the cursor then where the next page begins. A set that is not sorted (an
   * agent before the sorted sets wrote it, under a name no sorted set had) is left as it was, for a
   * drain script; one that is gone was finished by another invalidation, which read every member
   * before it unlinked it.
   *
   * @return how many entries existed and were removed
   */
  long drainSorted(Detached set, int pages) {
    long from = Long.parseLong(new String(set.cursor, StandardCharsets.US_ASCII));
    List<byte[]> first = from == 0 ? set.firstPage : null;
    set.firstPage = null;
    return call(
        "drain",
        () -> {
          try (Connection connection = connections.get()) {
            boolean read = false;
            try {
              long removed = drainSorted(connection, set, from, first, pages);
              read = true;
              return removed;
            } finally {
              if (!read) {
                // Replies may wait on it unread: the pool must not hand it to another call.
                connection.setBroken();
              }
            }
          }
        });
  }

  private static long drainSorted(
      Connection connection, Detached set, long from, List<byte[]> first, int pages) {
    int size = FIRST_READ;
    List<byte[]> page = first;
    if (page == null) {
      connection.sendCommand(
          Protocol.Command.ZRANGE, set.set, number(from), number(from + size - 1));
      try {
        page = connection.getBinaryMultiBulkReply();
      } catch (JedisDataException e) {
        return 0; // WRONGTYPE: a plain set
      }
    }
    long removed = 0;
    long position = from;
    int unread = 0; // unlinks of the page before, sent, their replies not read yet
    for (int read = 1; ; read++) {
      position += size;
      boolean last = page.size() < size;
      boolean more = !last && read < pages;
      size = Math.min(READ, GROWTH * size);
      if (more) {
        connection.sendCommand(
            Protocol.Command.ZRANGE, set.set, number(position), number(position + size - 1));
      }
      int batches = 0;
      for (int i = 0; i < page.size(); i += UNLINK_BATCH) {
        List<byte[]> batch = page.subList(i, Math.min(page.size(), i + UNLINK_BATCH));
        connection.sendCommand(Protocol.Command.UNLINK, batch.toArray(new byte[0][]));
        batches++;
      }
      if (last) {
        connection.sendCommand(Protocol.Command.UNLINK, set.set);
        connection.sendCommand(Protocol.Command.SREM, set.draining, set.set);
      }
      for (int i = 0; i < unread; i++) {
        removed += connection.getIntegerReply();
      }
      if (more) {
        page = connection.getBinaryMultiBulkReply();
        unread = batches;
        continue;
      }
      for (int i = 0; i < batches; i++) {
        removed += connection.getIntegerReply();
      }
      if (last) {
        connection.getIntegerReply(); // the set
        connection.getIntegerReply(); // off the sets being drained
        set.cursor = new byte[0];
      } else {
        set.cursor = number(position);
      }
      return removed;
    }
  }

  private static byte[] number(long value) {
    return bytes(Long.toString(value));
  }

  /** A detach script's keys and arguments. */
  private record DetachCall(List<byte[]> keys, List<byte[]> args) {}

  private DetachCall detachCall(List<String> dependencyKeys) {
    List<byte[]> keys = new ArrayList<>(2 + 4 * dependencyKeys.size());
    keys.add(sequenceKey);
    keys.add(epochKey);
    String unique = uniqueName();
    for (String dependencyKey : dependencyKeys) {
      keys.add(bytes(dependencyKey));
      keys.add(bytes(KeyLayout.fenceKey(dependencyKey)));
      keys.add(bytes(KeyLayout.drainingKey(dependencyKey)));
      keys.add(bytes(KeyLayout.detachedKey(dependencyKey, unique)));
    }
    return new DetachCall(
        keys,
        List.of(
            FENCE_RETENTION,
            DRAINING_TTL,
            DRAIN_BUDGET,
            DRAIN_PAGE,
            DRAIN_MAX,
            DETACH_SCRIPT_MOST));
  }

  /**
   * Fences the dependencies, detaches their sets and drains those for one budget, in one script.
   *
   * @return what it removed, and every set of these dependencies still being drained: the rest of
   *     this call's own, and those of invalidations that run at the same time or stopped half way
   */
  Detachment detach(List<String> dependencyKeys) {
    DetachCall detach = detachCall(dependencyKeys);
    List<?> reply =
        (List<?>) call("detach script", () -> DETACH.run(client, detach.keys, detach.args));
    return detached(dependencyKeys, detach.keys, reply);
  }

  /** What a detach script's reply says. */
  private static Detachment detached(
      List<String> dependencyKeys, List<byte[]> keys, List<?> reply) {
    List<Detached> left = new ArrayList<>();
    for (int i = 0; i < dependencyKeys.size(); i++) {
      byte[] draining = keys.get(4 + 4 * i);
      List<?> sets = (List<?>) reply.get(1 + i);
      byte[] ownFrom = (byte[]) sets.get(0);
      if (ownFrom.length > 0) {
        Detached own = new Detached(keys.get(5 + 4 * i), draining, (Long) sets.get(1));
        own.cursor = ownFrom;
        own.ownOf = i;
        left.add(own);
      }
      for (int j = 2; j < sets.size(); j += 2) {
        left.add(new Detached((byte[]) sets.get(j), draining, (Long) sets.get(j + 1)));
      }
    }
    return new Detachment((Long) reply.get(0), left);
  }

  /**
   * Runs one drain script over the sets, in order, for at most its budget; moves each set's cursor
   * on, or marks it done.
   *
   * @return how many entries existed and were removed
   */
  long drainOnce(List<Detached> sets) {
    List<byte[]> keys = new ArrayList<>(2 * sets.size());
    List<byte[]> args = new ArrayList<>(3 + sets.size());
    args.add(DRAIN_BUDGET);
    args.add(DRAIN_PAGE);
    args.add(DRAIN_MAX);
    for (Detached set : sets) {
      keys.add(set.set);
      keys.add(set.draining);
      args.add(set.cursor);
    }
    List<?> reply = (List<?>) call("drain script", () -> DRAIN.run(client, keys, args));
    for (int i = 0; i < sets.size(); i++) {
      sets.get(i).cursor = (byte[]) reply.get(i + 1);
    }
    return (Long) reply.get(0);
  }

  private <T> T call(String operation, Supplier<T> action) {
    return RedisCalls.run(redactedUrl, operation, action);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
