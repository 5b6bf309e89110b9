/**
 * Serialization: how a cached value becomes bytes and back ({@link
 * io.depcache.agent.serial.Serializer}, {@link io.depcache.agent.serial.JavaSerializer}), the class
 * allowlist that guards deserialization ({@link io.depcache.agent.serial.AllowList}), the bound on
 * the work of reading a value ({@link io.depcache.agent.serial.StreamExpansion}), and the on-store
 * format of one entry ({@link io.depcache.agent.serial.EntryCodec}).
 *
 * <p>Owns the bytes of an entry but not where they go: it knows nothing about Redis, keys or
 * frames. Anything that cannot be read back surfaces as {@link
 * io.depcache.agent.serial.CorruptEntryException}, so that callers treat it as a miss. May call:
 * the JDK only.
 */
package io.depcache.agent.serial;
