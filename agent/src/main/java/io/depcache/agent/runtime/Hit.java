package io.depcache.agent.runtime;

/** A cached call answered from the store: the value to return, or the exception to throw. */
record Hit(Object value, Throwable exception) {}
