/**
 * Stores: the {@link io.depcache.agent.store.CacheStore} interface, the Redis store (Lua scripts as
 * resources, its clients made by {@link io.depcache.agent.store.RedisClients}) and the memory
 * store, what an operator reads beside the entries ({@link io.depcache.agent.store.StoreAdmin}:
 * dependency sets, the counters agents publish), and the fault handling around them (timeouts, a
 * circuit breaker that opens for outages only, paused writes while the store refuses them, retried
 * invalidations and their spool on disk).
 *
 * <p>Owns every byte that goes to Redis and the key layout ({@link
 * io.depcache.agent.store.KeyLayout}). Knows nothing about methods, frames or serialization: it
 * stores bytes under keys; {@link io.depcache.agent.store.StoreFactory} is the one place that knows
 * which store serves which settings. May call: Jedis, the JDK (JSSE for {@code rediss://}), the
 * agent's logging, and the config room's {@link io.depcache.agent.config.ManagerConfig} and {@link
 * io.depcache.agent.config.TlsSettings} (what the factory builds from) and {@link
 * io.depcache.agent.config.Redaction} (to name a Redis URL without its password).
 */
package io.depcache.agent.store;
