/**
 * depcache's benchmarks (issue 6): JMH benchmarks of the hit path against raw Jedis, and probes of
 * invalidation and start-up, all run by {@code scripts/bench.sh}.
 *
 * <p>An application's own package on purpose: the agent never instruments {@code io.depcache.*}.
 * The agent's classes that the benchmarks use ({@code serial}, {@code store}) are compiled against
 * and come, at run time, from the jar that {@code -javaagent} names. Only {@code
 * io.depcache.agent.serial.DecodeBenchmark} lives in the agent's package, to reach the
 * package-private pass that it measures.
 */
package com.example.bench;
