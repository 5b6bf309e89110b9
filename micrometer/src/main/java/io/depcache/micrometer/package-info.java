/** Micrometer meters of depcache: {@link io.depcache.micrometer.DepCacheMetrics}. */
package io.depcache.micrometer;
