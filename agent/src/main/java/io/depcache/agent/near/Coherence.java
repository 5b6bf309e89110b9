package io.depcache.agent.near;

import io.depcache.agent.store.AgentThreads;
import io.depcache.agent.store.FollowUp;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.NearChannel;
import io.depcache.agent.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's side of the coherence protocol of one prefix: the subscription, the heartbeats that
 * prove it live, the acknowledgements of invalidations, and the publication of this JVM's own (see
 * the package javadoc for the protocol and why it is safe).
 */
final class Coherence implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  /** The liveness window: how long an invalidator waits, and a heartbeat lasts at most. */
  static final long WINDOW_MILLIS = 1000;

  /** Taken off the window on the serving side, for clocks that do not run at exactly one rate. */
  static final long MARGIN_MILLIS = 100;

  static final long HEARTBEAT_MILLIS = 100;

  /** A registration lasts this long past the last heartbeat that renewed it. */
  static final long REGISTERED_MILLIS = 10_000;

  /** Registrations this much older than an invalidator's clock still count (clock skew). */
  static final long SKEW_MILLIS = 30_000;

  private static final char SEP = '\u0000';

  private static final int MAX_UNPUBLISHED = 1000;

  /** How often an invalidator waiting for acknowledgements reads the watermarks. */
  static final long POLL_MILLIS = 10;

  final String id = UUID.randomUUID().toString();
  private final NearChannel channel;
  private final NearEntries entries;
  private final String broadcast;
  private final String own;
  private final String registry;
  private final String watermarks;
  private final String counter;
  private final String holdsPrefix;
  private final String resets;

  /** The reset count this registration joined with: a heartbeat with another one joins again. */
  private volatile long resetSeen;

  private final String sequenceKey;
  private final Map<String, Answers> acks = new ConcurrentHashMap<>();

  /**
   * The JVMs that acknowledged one of this JVM's messages, and those its invalidator waits for
   * (once the announcement answered): the subscriber wakes the invalidator when the last of them
   * answers, not at each answer. Guarded by itself.
   */
  private static final class Answers {
    final Set<String> heard = new HashSet<>();
    Set<String> awaited;
  }

  private final AtomicLong messages = new AtomicLong();
  private final String prefixKeys;
  private final LongSupplier pending;

  /** Whether the store deferred invalidations at the last beat. */
  private boolean deferred;

  /** The store's {@code failoverReplays()}; a rise empties every JVM's near cache. */
  private final LongSupplier replays;

  /**
   * {@link #replays} when this JVM last published the clear that follows a failover's replay
   * (heartbeat thread only).
   */
  private long replaysCleared;

  private final Thread subscriber;
  private final ScheduledExecutorService heartbeat;

  /** Which subscription is current; a heartbeat of an older one proves nothing. */
  private volatile long generation;

  /**
   * Which registration is current (this JVM is {@code id/registration} in the registry); a
   * heartbeat of an older one proves nothing. Raised by the subscriber thread only.
   */
  private volatile long registration;

  /**
   * What the current registration may hold near, by dependency (its hold filter); replaced, with
   * the near cache emptied, by each registration. Raised by the subscriber thread only.
   */
  private volatile Holds holds = new Holds(member(0));

  /** Registrations dropped by an invalidator that waited this JVM out; for tests. */
  private final AtomicLong dropped = new AtomicLong();

  /** Registrations of other JVMs this JVM's invalidations dropped; for tests and operators. */
  private final AtomicLong droppedOthers = new AtomicLong();

  private volatile boolean subscribed;

  /**
   * {@code System.nanoTime()} when the current subscription last delivered one of this JVM's
   * heartbeats (or was confirmed): a subscription silent for {@link #SILENT_MILLIS} while
   * heartbeats are sent is broken and made again.
   */
  private volatile long lastHeard;

  /** How long a subscription may deliver none of the heartbeats sent before it is made again. */
  static final long SILENT_MILLIS = 3 * WINDOW_MILLIS;

  /** {@code System.nanoTime()} until which near hits may be served. */
  private volatile long servingUntil = Long.MIN_VALUE;

  /** Switched off by tests only, to show that their checks fail without coherence. */
  volatile boolean enabled = true;

  /** Set by tests only: a subscriber slow to apply, which an invalidator must wait for. */
  volatile long applyDelayMillis;

  private volatile boolean closed;

  Coherence(
      NearChannel channel,
      NearEntries entries,
      String prefix,
      LongSupplier pending,
      LongSupplier replays) {
    this.channel = channel;
    this.pending = pending;
    this.replays = replays;
    this.replaysCleared = replays.getAsLong();
    this.entries = entries;
    this.broadcast = prefix + ":@near";
    this.own = broadcast + ":" + id;
    this.registry = broadcast + ":jvms";
    this.watermarks = broadcast + ":applied";
    this.counter = broadcast + ":n";
    this.holdsPrefix = broadcast + ":holds:";
    this.resets = broadcast + ":reset";
    this.sequenceKey = KeyLayout.sequenceKey(prefix);
    this.prefixKeys = KeyLayout.keysOf(prefix);
    this.subscriber = AgentThreads.daemon(this::subscribeLoop, "depcache-near-subscriber");
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            task -> AgentThreads.daemon(task, "depcache-near-heartbeat"));
  }

  void start() {
    subscriber.start();
    heartbeat.scheduleWithFixedDelay(
        this::beat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Whether near hits may be served now: the subscription proved itself live lately. */
  boolean serving() {
    return servingAt(System.nanoTime());
  }

  /** {@link #serving()} at {@code now}, a {@code System.nanoTime()} the caller just read. */
  boolean servingAt(long now) {
    // Long.MIN_VALUE means no lease: compared by subtraction, it would read as one that never ends
    long until = servingUntil;
    return until != Long.MIN_VALUE && now - until < 0 && subscribed;
  }

  /** Whether near fills are taken: a subscription is confirmed, so no drop can be missed. */
  boolean subscribed() {
    return subscribed;
  }

  /** How many subscriptions were made so far: one more after each loss. */
  long subscriptionsMade() {
    return generation;
  }

  private void subscribeLoop() {
    while (!closed) {
      long gen = ++generation;
      try {
        channel.subscribe(new Listener(gen), broadcast, own);
      } catch (RuntimeException e) {
        failed(e);
      }
      boolean wasLive = subscribed;
      lost();
      // A subscription that was live is made again at once (a killed connection, a failover): an
      // invalidation published meanwhile waits for this JVM until it joined again. A subscription
      // that could not be made waits a beat before the next try.
      if (!closed && !wasLive) {
        sleep(HEARTBEAT_MILLIS);
      }
    }
  }

  /**
   * The refusal logged, or {@code null}: one WARN line for refusals that do not heal by themselves
   * (a permission the ACL user lacks, a command the server does not know) until the near cache
   * serves again, not one per try nor one per refused command.
   */
  private volatile String refusal;

  private void failed(RuntimeException e) {
    String why = String.valueOf(e.getMessage());
    // a permission the ACL user lacks, for a command or inside a script, or an unknown command
    if (StoreException.refusal(why)) {
      if (refusal == null) {
        // one line until the near cache serves again, whichever of its commands is refused next
        refusal = why;
        LOG.warn(
            "depcache: the near cache of {} serves nothing, its hits go to Redis, and the near"
                + " caches of other JVMs may not hear of this JVM's invalidations, until the server"
                + " takes its commands (see the README's ACL lines of the near cache): {}",
            broadcast,
            why);
      }
    } else {
      LOG.debug("depcache: near cache of {}: {}", broadcast, why);
    }
  }

  private void lost() {
    subscribed = false;
    servingUntil = Long.MIN_VALUE;
    entries.clear(0);
  }

  private final class Listener implements NearChannel.Listener {
    private final long gen;

    Listener(long gen) {
      this.gen = gen;
    }

    @Override
    public void subscribed() {
      // Messages published before the subscription may be lost: start empty, and refuse the
      // written fills of computations older than every invalidation that may have been missed.
      long sequence;
      try {
        sequence = channel.sequence(sequenceKey);
      } catch (StoreException e) {
        failed(e);
        channel.unsubscribe();
        return;
      }
      // A new registration: whatever an invalidator did to the old one, this one has a watermark
      // that stands for every message published before it (missed ones included: the near cache
      // is emptied below, after the store applied them).
      if (!join()) {
        channel.unsubscribe();
        return;
      }
      entries.clear(sequence);
      lastHeard = System.nanoTime();
      Coherence.this.subscribed = true;
      heartbeat();
    }

    @Override
    public void moving() {
      // The store moved to a new primary (Sentinel): this subscription is to the old one, and
      // invalidations made on the new one do not reach it. Nothing more is served from it.
      Coherence.this.subscribed = false;
      servingUntil = Long.MIN_VALUE;
    }

    @Override
    public void message(String channelName, String message) {
      // on its own channel, a JVM hears its heartbeats, the acknowledgements of its invalidations
      // and the invalidations of the dependencies its hold filter has
      if (channelName.equals(own) && (message.startsWith("h|") || message.startsWith("a|"))) {
        onOwn(message);
      } else {
        onBroadcast(message);
      }
    }

    private void onOwn(String message) {
      String[] parts = message.split("\\|", 6);
      if (parts[0].equals("h") && parts.length == 6) {
        // h | generation | registration | sent | reset count | whether still registered then
        if (Long.parseLong(parts[1]) != gen
            || Long.parseLong(parts[2]) != registration
            || !Coherence.this.subscribed) {
          return;
        }
        lastHeard = System.nanoTime();
        if (!parts[4].equals(Long.toString(resetSeen))) {
          // an invalidator could not tell the JVMs what it removed: start again, empty
          rejoin();
        } else if (parts[5].equals("1")) {
          if (refusal != null) {
            refusal = null;
            LOG.info("depcache: the near cache of {} serves again", broadcast);
          }
          // Timed from when the heartbeat was sent, so a late delivery shortens the lease.
          servingUntil =
              Long.parseLong(parts[3])
                  + TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS - MARGIN_MILLIS);
        } else {
          rejoin();
        }
      } else if (parts[0].equals("a") && parts.length == 3) {
        Answers answers = acks.get(parts[1]);
        if (answers != null) {
          synchronized (answers) {
            answers.heard.add(parts[2]);
            if (answers.awaited == null || answers.heard.containsAll(answers.awaited)) {
              answers.notifyAll();
            }
          }
        }
      }
    }

    private void onBroadcast(String message) {
      // kind | origin | message id | message number | sequence | keys separated by \0
      String[] parts = message.split("\\|", 6);
      if (parts.length != 6 || parts[1].equals(id)) {
        return; // this JVM's own: applied by its invalidator, which waits for no acknowledgement
      }
      if (applyDelayMillis > 0) {
        sleep(applyDelayMillis);
      }
      List<String> keys = keys(parts[5]);
      if (enabled) {
        apply(parts[0], Long.parseLong(parts[4]), keys);
      }
      if (parts[2].endsWith(FILTERED)
          && parts[0].equals("i")
          && filtering
          && !holds.mayHoldAny(keys)) {
        // The invalidator waits only for the registrations whose hold filter has one of the
        // message's bits; this one's has none (its claimed bits include Redis' ones): no answer.
        return;
      }
      boolean registered;
      try {
        registered =
            channel.ack(
                registry,
                watermarks,
                broadcast + ":" + parts[1],
                member(registration),
                Long.parseLong(parts[3]),
                "a|" + parts[2] + "|" + id);
      } catch (StoreException e) {
        // Unacknowledged, the watermark stays below this message, and a heartbeat heard after it
        // must not extend the lease (an invalidator may drop this JVM): start over.
        lost();
        channel.unsubscribe();
        return;
      }
      if (!registered) {
        rejoin();
      }
    }
  }

  private static List<String> keys(String text) {
    return text.isEmpty() ? List.of() : Arrays.asList(text.split(String.valueOf(SEP), -1));
  }

  private void apply(String kind, long sequence, List<String> keys) {
    switch (kind) {
      case "i" -> entries.dropDependencies(keys, sequence);
      case "d" -> entries.dropKeys(keys, sequence);
      case "c" -> {
        for (String namespace : keys) {
          entries.dropNamespace(namespace, sequence);
        }
      }
      default -> {}
    }
  }

  private String member(long registration) {
    return id + "/" + registration;
  }

  /** Ends the id of a message whose invalidator waits only for the JVMs that may hold its keys. */
  private static final String FILTERED = ":f";

  /** Switched off by tests only: every JVM answers every message, and fills need no filter. */
  volatile boolean filtering = true;

  /** The hold filter of the current registration: take it, and its ticket, before a lookup. */
  Holds holds() {
    return holds;
  }

  /**
   * Whether a fill read with {@code ticket} of {@code taken} may be kept near: every one of its
   * dependencies is in the registration's hold filter since before the ticket. When not, the fill
   * is not kept; {@link #hold} sets the missing ones, so that a lookup made after it may fill.
   */
  boolean admits(Holds taken, long ticket, Collection<String> dependencyKeys) {
    return !filtering || taken.admits(ticket, dependencyKeys);
  }

  /**
   * Sets in Redis the bits of these dependencies that the hold filter {@code taken} does not have
   * yet, if it is still the current registration's: a round trip when some are missing, none
   * otherwise. A fill whose ticket is taken after it is admitted (if nothing failed).
   *
   * @return whether it set some now: a fill refused for want of them may be tried again
   */
  boolean hold(Holds taken, Collection<String> dependencyKeys) {
    if (!filtering || taken != holds || !taken.needs(dependencyKeys)) {
      return false;
    }
    taken.began();
    try {
      int[] bits = taken.claimUnconfirmed(dependencyKeys);
      if (bits.length > 0 && channel.hold(registry, holdsPrefix, taken.member, bits)) {
        taken.confirm(bits);
        return true;
      }
      return false;
    } catch (StoreException e) {
      failed(e); // not confirmed: a later fill tries again
      return false;
    } finally {
      taken.ended();
    }
  }

  /**
   * Registers this JVM anew (subscriber thread only): near hits stop at once, the near cache is
   * emptied, and only heartbeats of the new registration extend the lease.
   *
   * @return whether the registry took it
   */
  private boolean join() {
    servingUntil = Long.MIN_VALUE;
    long old = registration;
    long wall = System.currentTimeMillis();
    Holds next = new Holds(member(old + 1));
    long reset;
    try {
      reset =
          channel.join(
              registry,
              watermarks,
              counter,
              holdsPrefix,
              resets,
              next.member,
              member(old),
              wall + REGISTERED_MILLIS,
              wall - REGISTERED_MILLIS - SKEW_MILLIS);
    } catch (StoreException e) {
      failed(e);
      return false;
    }
    // in one step with the clear: no fill of the old registration's filter is kept after it
    entries.clearFor(next);
    holds = next;
    resetSeen = reset;
    // after the registry has it: a heartbeat of the new registration is sent after it joined
    registration = old + 1;
    return true;
  }

  /** An invalidator dropped this JVM's registration: join again, or start over. */
  private void rejoin() {
    dropped.incrementAndGet();
    LOG.debug("depcache: near cache was waited out by an invalidator; registering again");
    if (!join()) {
      lost();
      channel.unsubscribe();
    }
  }

  /**
   * The heartbeat thread's beat: the heartbeat, then what waits to be published. Never on the
   * subscriber thread, which must stay free to hear the acknowledgements a publication waits for.
   */
  private void beat() {
    if (closed) {
      return;
    }
    if (!heartbeat()) {
      // not subscribed, or Redis refused the heartbeat: what waits to be published is tried anyway
      retryQuietly();
      return;
    }
    if (System.nanoTime() - lastHeard > TimeUnit.MILLISECONDS.toNanos(SILENT_MILLIS)) {
      // Heartbeats are sent and none comes back: the subscription is on a server that no longer
      // gets them (a primary that stopped answering, a slot that moved without a word). It serves
      // nothing already (no lease); made again, it is made where the heartbeats go.
      LOG.debug("depcache: near cache subscription heard no heartbeat lately: subscribing again");
      lastHeard = System.nanoTime();
      channel.breakSubscription();
      return;
    }
    try {
      retryUnpublished();
      // An invalidation the store deferred (an outage) is applied later, behind the message that
      // announced it: once the store has applied them all, every JVM empties its near cache.
      if (pending.getAsLong() > 0) {
        deferred = true;
      } else if (deferred) {
        deferred = false;
        publish("c", List.of(prefixKeys));
      }
      // After a failover the store made its recent invalidations again on the new primary; other
      // JVMs may have filled their near caches from it before that: every JVM empties its own.
      long replayed = replays.getAsLong();
      if (replayed != replaysCleared) {
        replaysCleared = replayed;
        publish("c", List.of(prefixKeys));
      }
    } catch (RuntimeException e) {
      // published again at the next beat
    }
  }

  /**
   * Sends a heartbeat of the current subscription and registration.
   *
   * @return whether it was sent
   */
  private boolean heartbeat() {
    if (!subscribed || closed) {
      return false;
    }
    try {
      long wall = System.currentTimeMillis();
      long reg = registration;
      long sent = System.nanoTime();
      // renewed in one step with the heartbeat that lets this JVM serve: no invalidator reading
      // the registry after it can miss this JVM, and one that dropped it before is told
      channel.beat(
          registry,
          watermarks,
          own,
          holdsPrefix,
          resets,
          member(reg),
          wall + REGISTERED_MILLIS,
          wall - REGISTERED_MILLIS - SKEW_MILLIS,
          "h|" + generation + "|" + reg + "|" + sent + "|");
      return true;
    } catch (RuntimeException e) {
      // no heartbeat heard: the lease runs out by itself
      failed(e);
      return false;
    }
  }

  /** As {@link #publish(String, Collection, boolean)} of what the store has not applied yet. */
  void publish(String kind, Collection<String> keys) {
    publish(kind, keys, false);
  }

  /**
   * Drops here, publishes an invalidation, delete or clear, and waits until every registered JVM
   * that may hold what it removed acknowledged it, or the window has passed since it was published.
   * Should the message not be published, it is published again at the next beats; and if the store
   * has applied it (other JVMs may then fill from Redis' new state, and serve what it removed from
   * their near caches), every JVM's near cache is reset first: the reset count rises, and this call
   * returns a window later, when no JVM serves from a lease given before it.
   *
   * @param kind {@code i} (dependency keys), {@code d} (entry keys) or {@code c} (namespaces)
   * @param applied whether the store has applied it
   */
  void publish(String kind, Collection<String> keys, boolean applied) {
    settle(prepare(kind, keys), applied);
  }

  /**
   * A message to publish: made before the store's invalidation, so that the store may run its
   * announcement in the invalidation's last round trip ({@link #script()}), and {@linkplain #finish
   * finished} after it.
   */
  final class Message {
    private final String kind;
    private final List<String> keys;
    private final String messageId;
    private final Answers acked = new Answers();
    private final FollowUp script;

    private Message(String kind, List<String> keys, String messageId, FollowUp script) {
      this.kind = kind;
      this.keys = keys;
      this.messageId = messageId;
      this.script = script;
    }

    /**
     * The announcement, for {@link io.depcache.agent.store.CacheStore#invalidate(Collection,
     * FollowUp)}.
     */
    FollowUp script() {
      return script;
    }
  }

  /** A message of this kind and keys, its acknowledgements heard from now on. */
  Message prepare(String kind, Collection<String> keys) {
    List<String> list = List.copyOf(keys);
    int[] bits = filtering && kind.equals("i") ? Holds.bits(list) : null;
    String messageId = id + ":" + messages.incrementAndGet() + (bits == null ? "" : FILTERED);
    FollowUp script =
        channel.announcing(
            counter,
            broadcast,
            sequenceKey,
            registry,
            holdsPrefix,
            kind + "|" + id + "|" + messageId + "|",
            "|" + String.join(String.valueOf(SEP), list),
            System.currentTimeMillis() - SKEW_MILLIS,
            id,
            bits == null ? new int[0] : bits);
    Message message = new Message(kind, list, messageId, script);
    acks.put(messageId, message.acked);
    return message;
  }

  /**
   * As {@link #publish(String, Collection, boolean)} for a message the store was given with its
   * invalidation: when the store ran its announcement right after applying the invalidation in
   * full, what it answered is used; otherwise (another store, or an invalidation of several round
   * trips, whose announcement, if sent, went before the end) a new message is published now.
   */
  void finish(Message message, boolean applied) {
    if (message.script.answered()) {
      settle(message, applied);
    } else {
      acks.remove(message.messageId);
      publish(message.kind, message.keys, applied);
    }
  }

  private void settle(Message message, boolean applied) {
    String kind = message.kind;
    List<String> list = message.keys;
    Answers acked = message.acked;
    try {
      NearChannel.Announcement sent;
      try {
        sent =
            message.script.answered()
                ? channel.announced(message.script)
                : channel.announce(message.script);
      } catch (StoreException e) {
        apply(kind, 0, list);
        // Without the sequence the written fills cannot be fenced: subscribe again, which empties
        // this near cache and raises its fence to the sequence read after the subscription.
        channel.unsubscribe();
        if (applied) {
          resetEveryNearCache(kind, list, e);
        } else {
          later(kind, list);
        }
        return;
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);
      apply(kind, sent.sequence(), list);
      // Read in the script, right after the publication: a JVM that serves now renewed its
      // registration with the heartbeat that let it serve, which it sent before this publication
      // (package javadoc). This JVM dropped its own entries just above: it does not wait for
      // itself.
      Map<String, String> expected = new HashMap<>();
      for (String member : sent.registered()) {
        int slash = member.lastIndexOf('/');
        String jvm = slash < 0 ? member : member.substring(0, slash);
        if (!jvm.equals(id)) {
          expected.put(jvm, member);
        }
      }
      awaitAccounted(expected, acked, sent.number(), deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      acks.remove(message.messageId);
    }
  }

  /**
   * The store applied an invalidation, delete or clear whose message could not be published: raises
   * the reset count, so that every JVM empties its near cache at its next heartbeat and extends no
   * lease on an older one, and waits the window, after which no lease given before the raise lasts.
   * Should the reset be refused too (a user without the near cache's commands), the message waits
   * to be published at the next beats, and the refusal is the near cache's one WARN line: other
   * JVMs may serve what it removed meanwhile.
   */
  private void resetEveryNearCache(String kind, List<String> keys, StoreException cause)
      throws InterruptedException {
    try {
      channel.reset(resets);
    } catch (StoreException e) {
      later(kind, keys);
      failed(e);
      return;
    }
    failed(cause);
    LOG.debug(
        "depcache: near cache of {}: a message could not be published ({}); every near cache was"
            + " reset instead",
        broadcast,
        cause.getMessage());
    Thread.sleep(WINDOW_MILLIS);
  }

  /**
   * Waits until every expected JVM acknowledged message {@code number}, or accounted for it
   * otherwise (its registration, read now and then, has a watermark at or above it, or is gone: it
   * joined again after the message, or left), or the deadline passed; then drops those that did
   * not.
   *
   * @param expected JVM id to its registration, read after the publication
   */
  private void awaitAccounted(
      Map<String, String> expected, Answers acked, long number, long deadline)
      throws InterruptedException {
    Map<String, String> waiting = new HashMap<>(expected);
    synchronized (acked) {
      acked.awaited = waiting.keySet();
    }
    long nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
    while (true) {
      synchronized (acked) {
        waiting.keySet().removeAll(acked.heard);
        if (waiting.isEmpty()) {
          return;
        }
        long now = System.nanoTime();
        if (deadline - now <= 0) {
          break;
        }
        if (nextPoll - now > 0) {
          TimeUnit.NANOSECONDS.timedWait(acked, Math.min(deadline, nextPoll) - now);
          continue;
        }
      }
      nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
      try {
        Set<String> pending =
            new HashSet<>(channel.pending(registry, watermarks, number, waiting.values()));
        synchronized (acked) {
          waiting.values().retainAll(pending); // the subscriber reads it under this lock
        }
      } catch (StoreException e) {
        // the acknowledgements, or the window, decide
      }
    }
    dropSilent(waiting, acked, number);
  }

  /**
   * The window has passed since the publication and these JVMs did not answer: each has stopped
   * serving near hits (its lease ran out, or it applied the message first). Drops them from the
   * registry, unless their watermark shows the acknowledgement is on its way, so that the next
   * invalidations do not wait for them (see the package javadoc for why it is safe).
   */
  private void dropSilent(Map<String, String> expected, Answers acked, long number) {
    List<String> silent = new ArrayList<>();
    synchronized (acked) {
      expected.forEach(
          (jvm, member) -> {
            if (!acked.heard.contains(jvm)) {
              silent.add(member);
            }
          });
    }
    for (String member : silent) {
      try {
        if (channel.drop(registry, watermarks, holdsPrefix, member, number)) {
          droppedOthers.incrementAndGet();
          LOG.debug("depcache: near cache {} did not answer within the window: dropped", member);
        }
      } catch (StoreException e) {
        return; // it stays registered: the next invalidation waits for it and tries again
      }
    }
  }

  /** How many times an invalidator dropped this JVM's registration; for tests. */
  long droppedCount() {
    return dropped.get();
  }

  /** How many registrations of other JVMs this JVM's invalidations dropped; for tests. */
  long droppedOthersCount() {
    return droppedOthers.get();
  }

  private record Unpublished(String kind, List<String> keys) {}

  private final ArrayDeque<Unpublished> unpublished = new ArrayDeque<>();

  private void later(String kind, List<String> keys) {
    synchronized (unpublished) {
      if (unpublished.size() >= MAX_UNPUBLISHED) {
        // too many to replay one by one: every JVM empties its near cache of the prefix instead
        unpublished.clear();
        unpublished.add(new Unpublished("c", List.of(prefixKeys)));
      } else {
        unpublished.add(new Unpublished(kind, keys));
      }
    }
  }

  private void retryQuietly() {
    try {
      retryUnpublished();
    } catch (RuntimeException e) {
      // published again at the next beat
    }
  }

  private void retryUnpublished() {
    while (true) {
      Unpublished next;
      synchronized (unpublished) {
        next = unpublished.poll();
      }
      if (next == null) {
        return;
      }
      int before = unpublishedCount();
      publish(next.kind(), next.keys());
      if (unpublishedCount() > before) {
        return; // failed again: wait for the next beat
      }
    }
  }

  private int unpublishedCount() {
    synchronized (unpublished) {
      return unpublished.size();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    subscribed = false;
    servingUntil = Long.MIN_VALUE;
    heartbeat.shutdownNow();
    channel.leave(registry, watermarks, holdsPrefix, member(registration));
    channel.close();
  }
}
