/**
 * The near cache: a first level in the JVM's memory in front of a manager's {@link
 * io.depcache.agent.store.CacheStore} ({@link io.depcache.agent.near.NearCacheStore}, a decorator),
 * bounded by Caffeine, and the protocol that keeps it coherent across JVMs by dependency (DESIGN.md
 * guarantee 7). Owns the near entries, their dependency index, the liveness lease and the messages
 * under {@code <prefix>:@near}. May call: the store room ({@code CacheStore}, and {@code
 * NearChannel} for every byte of the protocol that goes to Redis), Caffeine, the JDK, the agent's
 * logging and the config room's {@code ManagerConfig}. Knows nothing about methods, frames or the
 * entry format: the runtime hands it a {@link io.depcache.agent.near.DependencyReader}.
 *
 * <h2>What it keeps</h2>
 *
 * A near entry is the stored bytes of a Redis entry, the store keys of its dependency sets, and an
 * opaque slot. A near hit returns the entry's one {@link io.depcache.agent.store.CacheStore.Lookup}
 * (made at the fill: the hit allocates nothing, and asks with a per-thread probe key rather than
 * making the store key) carrying the bytes and the slot. The runtime owns decoding: with {@code
 * near-cache.copy=true} it decodes the bytes as it decodes a Redis hit (a fresh copy); with {@code
 * copy=false} it keeps in the slot what it decoded at the entry's first near hit and returns that
 * to every later one. Either way the entry's dependencies, with their sequences, reach the
 * enclosing frame exactly as a Redis hit's do. The slot lives and dies with its entry, so every
 * drop below takes the decoded instance with it; nothing here reads it. Fills come from a Redis
 * lookup hit or a fenced write that succeeded, never from an unfenced one; Caffeine bounds the
 * entries ({@code near-cache.max-entries}, {@code near-cache.ttl}), and an entry leaves the
 * dependency index when it leaves the cache, so the index holds only the dependencies of cached
 * entries.
 *
 * <h2>The protocol</h2>
 *
 * Every JVM with the near cache on holds one subscription to two channels: {@code <prefix>:@near}
 * (every JVM's invalidations) and {@code <prefix>:@near:<id>} (its own heartbeats and the
 * acknowledgements of its invalidations). Redis delivers the messages of one subscription in the
 * order it executed their {@code PUBLISH}es.
 *
 * <ol>
 *   <li><b>Lease.</b> Every {@value io.depcache.agent.near.Coherence#HEARTBEAT_MILLIS} ms the JVM
 *       first registers itself in {@code <prefix>:@near:jvms} (a sorted set scored by an expiry on
 *       its clock), then reads {@code System.nanoTime()} as {@code sent} and publishes a heartbeat
 *       carrying {@code sent} and the subscription's generation on its own channel. When its
 *       subscription delivers that heartbeat, it may serve near hits until {@code sent + W -
 *       margin} ({@code W} = {@value io.depcache.agent.near.Coherence#WINDOW_MILLIS} ms, margin
 *       {@value io.depcache.agent.near.Coherence#MARGIN_MILLIS} ms). A heartbeat of an older
 *       subscription extends nothing.
 *   <li><b>Invalidation.</b> {@code invalidate}, {@code delete} and {@code clear} first run on the
 *       store. Then the invalidator reads the store's sequence {@code m}, drops its own near
 *       entries (the dependents of the dependency keys, or the keys, or the namespace), publishes
 *       the message with {@code m} on {@code <prefix>:@near}, reads the registry (after the
 *       publication) and waits until every registered JVM has acknowledged, or {@code W} has passed
 *       since the {@code PUBLISH} answered. Each subscriber applies the message (drops, and
 *       remembers {@code m}), then acknowledges on the invalidator's channel.
 *   <li><b>Loss.</b> When the subscription breaks (connection killed, Redis restarted) near hits
 *       stop at once and the near cache is emptied; the JVM subscribes again, and once the server
 *       confirms the subscription it reads the store's sequence {@code r}, empties the near cache
 *       again and remembers {@code r}; near hits resume with its next heartbeat.
 *   <li><b>Fences on fills.</b> A fill from a lookup hit is refused if any drop or clear happened
 *       here since just before the lookup (an epoch that every drop raises). A fill from a fenced
 *       write whose computation read sequence {@code s} is refused if an applied message (or the
 *       sequence {@code r} read at subscription) is above {@code s}. Fills and drops hold one lock,
 *       so that the check and the insert are one step against a drop.
 * </ol>
 *
 * <h2>Why no JVM serves what a returned invalidation removed</h2>
 *
 * Let an invalidation's {@code PUBLISH} execute at time {@code P}, and its call return at {@code
 * R}. Take a JVM J that serves a near hit after {@code R} from an entry the invalidation removed.
 *
 * <ul>
 *   <li>J serves on a lease from a heartbeat {@code h} of its current subscription. If {@code h}
 *       was published after {@code P}, J's subscription delivered the invalidation before {@code h}
 *       (one subscription, one order), so J had applied it before its lease was extended; an entry
 *       refilled afterwards passed a fence that the application raised (below). If {@code h} was
 *       published before {@code P}, J's lease ends before {@code sent + W < P + W}, and the
 *       invalidator, unless J acknowledged (after applying), waited until {@code W} after the
 *       {@code PUBLISH} answered, later than {@code P + W}; J registered before sending {@code h},
 *       so it is in the registry read after {@code P}. Either way J stopped serving it before
 *       {@code R}.
 *   <li>A fill racing the invalidation: a lookup that read the old bytes read them before the store
 *       removed them, so before {@code P}, and read the epoch before that. If J applied the message
 *       before the fill, the epoch moved and the fill is refused; if after, the drop removes the
 *       filled entry (it is indexed by its dependencies before it is visible). A written fill that
 *       the store accepted but the invalidation removed was computed from sequence {@code s} below
 *       the invalidation's fence, and {@code m} is at least that fence, so {@code m > s}: the same
 *       two cases.
 *   <li>A subscription that broke lost messages: J served nothing from the moment it saw the break
 *       (and its lease ran out within {@code W} of its last heartbeat, even if it did not see the
 *       break), emptied its cache, and its new subscription was confirmed before it read {@code r}:
 *       every invalidation published later is delivered, and every earlier one had its fence at or
 *       below {@code r}, so a written fill of a computation older than it is refused.
 * </ul>
 *
 * Assumptions: clocks of the JVMs run at the same rate within the margin over {@code W}, and wall
 * clocks differ by less than {@value io.depcache.agent.near.Coherence#SKEW_MILLIS} ms (registry
 * expiry only). A JVM that crashed stays registered for up to {@value
 * io.depcache.agent.near.Coherence#REGISTERED_MILLIS} ms, during which an invalidation waits the
 * whole {@code W} for it. An invalidation whose message cannot be published (Redis unreachable) is
 * published again at the next heartbeat; an invalidation the store deferred (its outage handling)
 * is followed, once the store has applied all of them, by a clear of every near cache of the
 * prefix.
 *
 * <p><b>Warning:</b> every manager on the prefix, in every JVM, must have the near cache on: an
 * invalidation made through a store without it is not published.
 */
package io.depcache.agent.near;
