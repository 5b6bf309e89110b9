package com.example.bench;

import io.depcache.agent.serial.EntryCodec;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One thread's latency of a hit, a miss, and what they are compared with, sampled call by call
 * ({@link Mode#SampleTime}) so that the suite can report percentiles.
 *
 * <p>{@link #hit} is a {@code @DepCached} call that finds its entry; {@link #hitAsync} the same for
 * a method that returns the value as a {@code CompletableFuture}, and the {@code join()} of what it
 * returns (a completed future); {@link #rawGetDecode} is a raw Jedis GET of the same entry plus its
 * decoding with the agent's own codec and serializer, the least a hit can do; {@link #rawGet} is
 * the round trip alone; {@link #decode} is the decoding alone, without Redis. {@link #miss} calls a
 * cached method with a new id each time: lookup, computation (cheap here), serialization and the
 * fenced write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HitBenchmark {
  private Fixture fixture;
  private final AtomicLong nextId = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    fixture = Fixture.create(4);
    // Miss ids far from the hit's and from other forks': every call of miss() is a first call.
    nextId.set(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public Order hit() {
    return fixture.hit();
  }

  /** Named to sort right after {@link #hit}: JMH runs them one after the other. */
  @Benchmark
  public Order hitAsync() {
    return fixture.asyncHit();
  }

  @Benchmark
  public Order miss() {
    return fixture.orders.fresh(nextId.incrementAndGet());
  }

  @Benchmark
  public Order rawGetDecode() {
    return fixture.rawGetDecode();
  }

  @Benchmark
  public byte[] rawGet() {
    return fixture.rawGet();
  }

  @Benchmark
  public Object decode() {
    return EntryCodec.decode(fixture.stored, fixture.serializer, fixture.loader).value();
  }
}
