/**
 * The bridge between instrumented code and the agent: the only agent classes on the bootstrap class
 * path, beside the API. Owns nothing but a reference to the runtime's {@link
 * io.depcache.bridge.Dispatcher}; calls nothing else. JDK types only.
 */
package io.depcache.bridge;
