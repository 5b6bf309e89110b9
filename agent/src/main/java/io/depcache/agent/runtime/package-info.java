/**
 * The call path: what advice calls. Owns the per-thread stack of frames (dependencies being
 * collected), keys and templates, the managers and the rules of a cached call (hit, miss, store,
 * hand dependencies to the enclosing call).
 *
 * <p>Inside, calls go down only: {@link io.depcache.agent.runtime.CallPath} (the bridge's
 * dispatcher) over the public managers ({@code ManagerRuntime}) and {@code GetOrCompute}, over the
 * start and end of cached calls ({@code CachedCalls}), over entries, leases and single flight, over
 * each manager's core ({@code ManagerCore}: store, serializer, namespace, on-error policy, events)
 * and the registry of managers ({@link io.depcache.agent.runtime.Managers}), which also registers
 * their MBeans and publishes their counters ({@code StatsPublisher}, {@link
 * io.depcache.agent.runtime.FleetStats}). Beside the call path, {@link
 * io.depcache.agent.runtime.Operations} is the command line's facade over the same managers. May
 * call: the store room through {@link io.depcache.agent.store.CacheStore} (built by {@link
 * io.depcache.agent.store.StoreFactory}), the near room's {@link
 * io.depcache.agent.near.NearCacheStore} in front of it, the serial room, the monitor room, the
 * config records, the API and the bridge's {@link io.depcache.bridge.Dispatcher}. Knows nothing
 * about Byte Buddy: the instrumentation hands it {@link io.depcache.agent.runtime.MethodSpec}s.
 */
package io.depcache.agent.runtime;
