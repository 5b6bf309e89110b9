package io.depcache.agent.runtime;

/**
 * What the runtime keeps in a near entry's slot with {@code near-cache.copy=false}: the hit decoded
 * at the entry's first near hit, and what it was checked against (the value fits the method's
 * return type as seen from that owner; its classes are those of that loader). Every later near hit
 * of the same method, owner and loader returns that hit: the same value instance, and the entry's
 * dependencies with their sequences.
 */
record NearHit(MethodInfo method, Class<?> owner, ClassLoader loader, Hit hit) {
  boolean fits(MethodInfo method, Class<?> owner, ClassLoader loader) {
    return this.method == method && this.owner == owner && this.loader == loader;
  }
}
