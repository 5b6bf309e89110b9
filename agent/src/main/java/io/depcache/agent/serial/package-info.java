/**
 * Serialization: how a cached value becomes bytes and back ({@link
 * io.depcache.agent.serial.Serializer}, by name from {@link io.depcache.agent.serial.Serializers}:
 * {@link io.depcache.agent.serial.JavaSerializer}, {@link
 * io.depcache.agent.serial.KryoSerializer}), the class allowlist that guards deserialization
 * ({@link io.depcache.agent.serial.AllowList}), the bound on the work of reading a value ({@link
 * io.depcache.agent.serial.StreamExpansion} for JDK streams, {@link
 * io.depcache.agent.serial.ReadingTime} for both), the on-store format of one entry ({@link
 * io.depcache.agent.serial.EntryCodec}) and its signature ({@link
 * io.depcache.agent.serial.EntrySigner}: HMAC-SHA256 over the entry and the key it is stored under,
 * checked before a byte of the entry is decoded).
 *
 * <p>Owns the bytes of an entry but not where they go: it knows nothing about Redis, keys (but the
 * one a signature covers, as an opaque string) or frames. Anything that cannot be read back
 * surfaces as {@link io.depcache.agent.serial.CorruptEntryException}, so that callers treat it as a
 * miss. May call: the JDK (and its {@code javax.crypto} for the signature); the classes named
 * {@code Kryo*}, and they alone, Kryo and its Objenesis (relocated in the agent jar).
 */
package io.depcache.agent.serial;
