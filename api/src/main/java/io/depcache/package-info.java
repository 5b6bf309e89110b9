/**
 * The depcache API: {@link io.depcache.DepCached} and {@link io.depcache.Invalidates}, the {@link
 * io.depcache.DepCache} facade, {@link io.depcache.CacheManager} and the events.
 *
 * <p>This package has no dependencies. The agent puts it on the bootstrap class path so that it has
 * one identity in the JVM; without the agent every operation is a harmless no-op.
 */
package io.depcache;
