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
 * entries ({@code near-cache.max-entries}), an entry older than {@code near-cache.ttl} is not
 * served (checked against the clock reading that the lease check took: a hit reads the clock once)
 * and is replaced by its next fill, and an entry leaves the dependency index when it leaves the
 * cache, so the index holds only the dependencies of cached entries.
 *
 * <h2>The protocol</h2>
 *
 * Every JVM with the near cache on holds one subscription to two channels: {@code <prefix>:@near}
 * (deletes, clears, and invalidations every JVM must hear) and {@code <prefix>:@near:<id>} (its own
 * heartbeats, the acknowledgements of its invalidations, and the invalidations of dependencies it
 * may hold). Redis delivers the messages of one subscription in the order it executed their {@code
 * PUBLISH}es, whichever of the two channels they were published on.
 *
 * <ol>
 *   <li><b>Registration.</b> Once its subscription is confirmed, the JVM joins {@code
 *       <prefix>:@near:jvms} (a sorted set scored by an expiry on its clock) as {@code
 *       <id>/<registration>}, a member it never used before, in one script that also gives the
 *       member a <em>watermark</em> in {@code <prefix>:@near:applied}: the number of the last
 *       invalidation message so far ({@code <prefix>:@near:n}), and an empty <em>hold filter</em>:
 *       the set {@code <prefix>:@near:holds:jvm:<member>} of the bits it holds (one of {@value
 *       io.depcache.agent.near.Holds#BITS} per dependency, by the hash of its store key; bit 0 says
 *       that the filter exists), each bit {@code b} held by anyone being the set {@code
 *       <prefix>:@near:holds:<b>} of the members that hold it, and {@code
 *       <prefix>:@near:holds:jvms} every member that has a filter. It removes its previous member
 *       with its watermark and filter. It remembers the <em>reset count</em> ({@code
 *       <prefix>:@near:reset}) the script read. It joins again this way whenever it learns it was
 *       dropped or reset (below).
 *   <li><b>Hold filter.</b> Before a fill of an entry whose dependencies' bits its filter does not
 *       have yet, the JVM <em>claims</em> them here, then sets them in Redis in one script that
 *       sets nothing if its member is no longer registered, and <em>confirms</em> them here once
 *       Redis answered. Bits are never cleared while the registration lives. A fill is kept only if
 *       every bit of its dependencies was confirmed before the lookup (or the fenced write) it
 *       fills from began: the lookup takes a ticket first (the count of confirmations begun, taken
 *       only when none runs), and the fill is kept if no confirmation began since. A written fill
 *       confirms its bits before its write; a lookup whose fill was refused for want of bits looks
 *       up once more after confirming them. So each dependency costs one round trip per
 *       registration.
 *   <li><b>Lease.</b> Every {@value io.depcache.agent.near.Coherence#HEARTBEAT_MILLIS} ms the JVM
 *       reads {@code System.nanoTime()} as {@code sent} and runs one script that renews its member
 *       <em>if it is still registered</em> (it never puts back a member that was dropped) and
 *       publishes a heartbeat on its own channel carrying {@code sent}, the subscription's
 *       generation, the registration, the reset count and whether the member was still registered.
 *       When its subscription delivers a heartbeat of its current subscription and registration
 *       that says "registered", with the reset count it joined with, it may serve near hits until
 *       {@code sent + W - margin} ({@code W} = {@value
 *       io.depcache.agent.near.Coherence#WINDOW_MILLIS} ms, margin {@value
 *       io.depcache.agent.near.Coherence#MARGIN_MILLIS} ms). Any other heartbeat extends nothing;
 *       one that says "not registered", or brings another reset count, makes it join again.
 *   <li><b>Invalidation.</b> {@code invalidate}, {@code delete} and {@code clear} first run on the
 *       store. Then the invalidator runs one script that reads the store's sequence {@code m},
 *       takes the next message number {@code n}, reads the registry, and publishes the message with
 *       {@code m} and {@code n} (subscriptions receive messages in the order of their numbers). An
 *       invalidation of at most {@value io.depcache.agent.near.Holds#MAX_BITS} dependencies reads
 *       only the members whose hold filter has one of their bits (from the sets of those bits: the
 *       cost is that of the holders, not of the registry), and publishes on their own channels (not
 *       the invalidator's), unless some member has no filter (the registry has more members than
 *       {@code holds:jvms}: an agent that keeps none, a filter lost): then, as for deletes, clears
 *       and bigger invalidations, it reads every member and publishes on {@code <prefix>:@near}. It
 *       drops its own near entries (the dependents of the dependency keys, or the keys, or the
 *       namespace, remembering {@code m}) and waits until every member read, other than its own,
 *       has <em>accounted for</em> {@code n}, or {@code W} has passed since the script answered. A
 *       member has accounted for {@code n} when its JVM acknowledged it on the invalidator's
 *       channel (the subscriber thread that hears the acknowledgement wakes the invalidator at
 *       once), or when the registry (read every {@value
 *       io.depcache.agent.near.Coherence#POLL_MILLIS} ms while waiting) gives it a watermark at or
 *       above {@code n} or no longer has it (it left, joined again, or was dropped). Each
 *       subscriber applies the message (drops, and remembers {@code m}), then, in one script,
 *       raises its watermark to {@code n} if its member is still registered and acknowledges; if
 *       the member was not registered, it joins again. A subscriber that hears on {@code
 *       <prefix>:@near} a filtered invalidation none of whose bits it claimed does not acknowledge
 *       it: it was not read (its claimed bits include those in Redis). A subscriber skips its own
 *       JVM's messages: that invalidator applied them itself before returning, and waits for no
 *       acknowledgement of them.
 *   <li><b>Reset.</b> Should the store have applied an invalidation, delete or clear whose message
 *       cannot be published (a refused {@code PUBLISH}, a lost reply), the invalidator raises the
 *       reset count and returns {@code W} after that: every heartbeat sent since brings the new
 *       count, so no JVM extends a lease without joining again, empty, and every lease given before
 *       ran out. Should the raise fail too, the message is published again at the next beats, and
 *       the one WARN line of the near cache says that other JVMs may not hear of this JVM's
 *       invalidations.
 *   <li><b>Drop.</b> When the window has passed, the invalidator drops each member that has not
 *       accounted for {@code n}, in one script that removes it only if its watermark is still below
 *       {@code n} (an acknowledgement may be on its way). Later invalidations do not wait for it. A
 *       JVM that was dropped learns it from its next acknowledgement or heartbeat; joining again
 *       stops its near hits at once and empties its near cache, and only the heartbeats of its new
 *       registration let it serve again.
 *   <li><b>Loss.</b> When the subscription breaks (connection killed, Redis restarted) near hits
 *       stop at once and the near cache is emptied; the JVM subscribes again (at once if the lost
 *       subscription had been confirmed, else after a beat), and once the server confirms the
 *       subscription it reads the store's sequence {@code r}, joins again, empties the near cache
 *       again and remembers {@code r}; near hits resume with its next heartbeat. An acknowledgement
 *       that fails is treated as a loss.
 *   <li><b>Fences on fills.</b> A fill from a lookup hit is refused if any drop or clear happened
 *       here since just before the lookup (an epoch that every drop raises). A fill from a fenced
 *       write whose computation read sequence {@code s} is refused if an applied message (or the
 *       sequence {@code r} read at subscription) is above {@code s}. Fills and drops hold one lock,
 *       so that the check and the insert are one step against a drop.
 * </ol>
 *
 * <h2>Why no JVM serves what a returned invalidation removed</h2>
 *
 * Let an invalidation's script (number {@code n}) execute at time {@code P}, its registry read at
 * {@code Q} (in the same script, right after the publication: nothing runs between them), and its
 * call return at {@code R}. The invalidator's own JVM dropped the entries itself after the store
 * had removed them and before {@code R} (a fill racing it: below); the points that follow are about
 * every other JVM. Take a JVM J that serves a near hit after {@code R} from an entry the
 * invalidation removed, on a lease from a heartbeat {@code h} of its current subscription and
 * registration, sent (its script executed) at {@code s}.
 *
 * <p>If the invalidation read only the holders and J's member was registered at {@code P} with a
 * filter that had none of the message's bits, see the point on hold filters; otherwise the message
 * was sent to J (on its own channel or {@code <prefix>:@near}) and J's member, if registered at
 * {@code Q}, was read.
 *
 * <ul>
 *   <li>If {@code s > P}: J's subscription delivered message {@code n} before {@code h} (one
 *       subscription, one order), so J had applied it before its lease was extended, unless the
 *       subscription was made after {@code P}, in which case J emptied its cache after the store
 *       had applied the invalidation; an entry refilled afterwards passed a fence (below).
 *   <li>If {@code s < P}: J's lease ends before {@code sent + W < P + W}. The heartbeat script
 *       found J's member registered at {@code s}. If it is still registered at {@code Q}, the
 *       invalidator waited for it: until J acknowledged (after applying), or its watermark reached
 *       {@code n} (raised only by J's acknowledgement of {@code n} or later, after applying them in
 *       order), or the window passed (after {@code P + W}), or the member left the registry after
 *       {@code Q} (see the next point: it no longer served on {@code h}). If it is not registered
 *       at {@code Q}, it was removed between {@code s} and {@code Q}: see the next point.
 *   <li><b>A member removed at {@code Z} is never served on by a heartbeat sent before {@code
 *       Z}.</b> J removes its own member only when it joins again, after it stopped serving and
 *       from when only heartbeats of the new registration count. Expiry removes a member only after
 *       {@value io.depcache.agent.near.Coherence#REGISTERED_MILLIS} ms and {@value
 *       io.depcache.agent.near.Coherence#SKEW_MILLIS} ms of skew without a renewal, that is without
 *       a heartbeat. A drop at {@code Z} for message {@code n1} (published at {@code P1}, {@code Z}
 *       after {@code P1 + W}): a heartbeat sent before {@code P1} gave a lease that ended before
 *       {@code P1 + W}. A heartbeat sent between {@code P1} and {@code Z} was delivered after
 *       {@code n1}, and J processes messages one at a time, so before extending its lease on it J
 *       had accounted for {@code n1}: by its acknowledgement script, or by joining after {@code P1}
 *       (its watermark starts at {@code n1} or above). Had that script run before {@code Z} while
 *       the member was registered, the watermark would have been at {@code n1} and the drop would
 *       have been refused; so it ran after {@code Z}, found the member gone, and J joined again
 *       before it looked at the heartbeat, which then belonged to an old registration. A heartbeat
 *       sent after {@code Z} does not put the member back and says "not registered".
 *   <li>A JVM that was only slow (a pause, a stuck subscriber, a late acknowledgement) and was
 *       dropped therefore serves nothing on its old leases, and after joining again it is in the
 *       registry before it sends the heartbeats that let it serve: every later invalidation waits
 *       for it. A JVM that crashed is waited for by one invalidation, up to {@code W}, and then by
 *       none.
 *   <li>A fill racing the invalidation: a lookup that read the old bytes read them before the store
 *       removed them, so before {@code P}, and read the epoch before that. If J applied the message
 *       before the fill, the epoch moved and the fill is refused; if after, the drop removes the
 *       filled entry (it is indexed by its dependencies before it is visible). A written fill that
 *       the store accepted but the invalidation removed was computed from sequence {@code s} below
 *       the invalidation's fence, and {@code m} is at least that fence, so {@code m > s}: the same
 *       two cases.
 *   <li><b>A JVM whose hold filter had none of the message's bits at {@code P}</b> (it was neither
 *       sent the message nor waited for) serves no entry the invalidation removed. The fill that
 *       kept an entry took its ticket after every bit of the entry's dependencies was confirmed, so
 *       set in Redis, in the filter of J's current registration, where no bit is ever cleared:
 *       after {@code P}. A lookup that read after {@code P} read what the store left after removing
 *       the dependents: not a removed entry. A fenced write made after {@code P} was refused by the
 *       store's fence if its computation read before the invalidation. An entry filled in an older
 *       registration was emptied when J joined again, in one step with the replacement of the
 *       filter that fills are checked against.
 *   <li><b>A message that was not published.</b> The invalidator raised the reset count at {@code
 *       X} and returned at {@code R >= X + W}. A heartbeat sent after {@code X} brings the new
 *       count, and J joins again, empty, instead of extending its lease; a lease from a heartbeat
 *       sent before {@code X} ended before {@code X + W}. After {@code R}, J serves only on leases
 *       of a registration made after {@code X}, emptied after the store applied the invalidation,
 *       whose fills passed the fences above.
 *   <li>A subscription that broke lost messages: J served nothing from the moment it saw the break
 *       (and its lease ran out within {@code W} of its last heartbeat, even if it did not see the
 *       break), emptied its cache, and its new subscription was confirmed before it read {@code r}:
 *       every invalidation published later is delivered, and every earlier one had its fence at or
 *       below {@code r}, so a written fill of a computation older than it is refused.
 * </ul>
 *
 * A lease that merely ran out (a pause) needs no emptying: J is still registered, so invalidators
 * wait for it or drop it, and the messages it missed while paused are delivered before any new
 * heartbeat. Assumptions: clocks of the JVMs run at the same rate within the margin over {@code W},
 * and wall clocks differ by less than {@value io.depcache.agent.near.Coherence#SKEW_MILLIS} ms
 * (registry expiry only); nobody deletes the {@code <prefix>:@near:*} keys by hand (that would
 * remove members without the drop's check). A message that could not be published is published
 * again at the next beats (after a reset, or when the store had not applied it: Redis unreachable,
 * where every JVM's subscription breaks as well); an invalidation the store deferred (its outage
 * handling) is followed, once the store has applied all of them, by a clear of every near cache of
 * the prefix.
 *
 * <h2>Under Sentinel</h2>
 *
 * The channel runs on the store's own connections ({@code NearChannel.following}): at every moment
 * its scripts, its publications and its subscription go to the primary the store's calls go to, so
 * that everything above happens on one server, as it does on a standalone Redis. When the store
 * moves to a new primary, the listener is told first (near hits stop at once) and the subscription
 * is broken without a word to the old primary (which may not answer): the JVM subscribes on the new
 * one, which is a loss as above. The new primary may lack invalidations that the old one took: the
 * store makes its recent ones again there before any call may use it, and then this JVM publishes,
 * on the new primary, a clear of every near cache of the prefix ({@code failoverReplays()}), since
 * other JVMs may have filled theirs from the new primary before. What this cannot cover is what the
 * Redis level cannot either: until a JVM's store learns of the failover, it serves from the old
 * primary, near hits as Redis hits.
 *
 * <h2>On Redis Cluster</h2>
 *
 * Every key and channel above carries the hash tag of the store's sequence key ({@code
 * NearChannel.onCluster}): all of them, and the sequence the scripts read, are in one slot, so each
 * script runs on the one primary that serves it, as on one server. Messages are published with
 * {@code SPUBLISH} and heard with {@code SSUBSCRIBE} on a connection to that primary, asked for
 * with {@code CLUSTER SLOTS} when the JVM subscribes: one server executes every publication and
 * delivers them in that order, which is all the argument above needs. When the slot leaves that
 * primary (a resharding, a failover), the server ends the subscription: a loss. The entries and
 * their dependencies stay spread over the cluster; the store's own invalidation has run (and
 * returned) before the message is announced, so the sequence the announcement reads is at least the
 * store's fences, as on one server.
 *
 * <h2>A silent subscription</h2>
 *
 * A subscription that has delivered none of this JVM's heartbeats for {@value
 * io.depcache.agent.near.Coherence#SILENT_MILLIS} ms while they are sent is broken and made again:
 * it is on a server that no longer gets them (one that stopped answering but keeps the connection
 * open, a slot that moved without a word). It costs nothing to be wrong here: without heartbeats
 * there is no lease, so it served nothing meanwhile, and a new subscription is a loss.
 *
 * <p><b>Warning:</b> every manager on the prefix, in every JVM, must have the near cache on: an
 * invalidation made through a store without it is not published.
 */
package io.depcache.agent.near;
