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
 * Hits per second with 64 threads against raw pooled GETs with 64 threads, one GET per borrowed
 * connection and as many connections as threads: where lookups waiting at the same moment share
 * round trips, and raw GETs cannot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(64)
public class Throughput64Benchmark {
  private Fixture fixture;

  @Setup(Level.Trial)
  public void setUp() {
    fixture = Fixture.create(64);
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
}
