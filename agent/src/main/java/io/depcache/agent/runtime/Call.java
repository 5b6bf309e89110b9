package io.depcache.agent.runtime;

/**
 * What the entry advice of a cached call holds until its exit: a {@link Hit} that answers the call
 * without its body, or the {@link Frame} of a computation. Advice sees it as an opaque object.
 */
sealed interface Call permits Hit, Frame {}
