/**
 * The call path: what advice calls. Owns the per-thread stack of frames (dependencies being
 * collected), keys and templates, the managers and the rules of a cached call (hit, miss, store,
 * hand dependencies to the enclosing call). May call: the store room through {@link
 * io.depcache.agent.store.CacheStore} (built by {@link io.depcache.agent.store.StoreFactory}), the
 * serial room, the monitor room, the config records, the API and the bridge's {@link
 * io.depcache.bridge.Dispatcher}. Knows nothing about Byte Buddy: the instrumentation hands it
 * {@link io.depcache.agent.runtime.MethodSpec}s.
 */
package io.depcache.agent.runtime;
