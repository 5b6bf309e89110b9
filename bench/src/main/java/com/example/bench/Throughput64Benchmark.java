package com.example.bench;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link ThroughputBenchmark} with 64 threads and a raw pool of 64 connections, one GET per
 * borrowed connection: where lookups waiting at the same moment share round trips, and raw GETs
 * cannot.
 */
@Threads(64)
public class Throughput64Benchmark extends ThroughputBenchmark {
  @Override
  int poolSize() {
    return 64;
  }
}
