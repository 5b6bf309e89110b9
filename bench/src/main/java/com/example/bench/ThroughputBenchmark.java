package com.example.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Hits per second with eight threads against raw pooled GETs of the same entry with eight threads
 * (and, for reference, raw GETs plus decoding). The raw pool has as many connections as threads, so
 * that neither side waits for a connection. {@link Throughput64Benchmark} runs the same with 64.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class ThroughputBenchmark {
  private Fixture fixture;

  @Setup(Level.Trial)
  public void setUp() {
    fixture = Fixture.create(poolSize());
  }

  /** Connections of the raw pool: one per benchmark thread. */
  int poolSize() {
    return 8;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public Order hit() {
    return fixture.hit();
  }

  @Benchmark
  public byte[] rawGet() {
    return fixture.rawGet();
  }

  @Benchmark
  public Order rawGetDecode() {
    return fixture.rawGetDecode();
  }
}
