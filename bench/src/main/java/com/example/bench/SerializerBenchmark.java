package com.example.bench;

import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.JavaSerializer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The built-in serializers on the typical DTO ({@link Order}), without Redis: {@code java} is
 * {@link JavaSerializer}, the JDK's serialization behind the agent's allowlist filter. Its
 * allocation per deserialization (from the gc profiler) is what the suite subtracts from the hit's.
 * Sampled call by call like the hit, so that its figure is a median too, robust to the pauses of a
 * shared machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializerBenchmark {
  private JavaSerializer java;
  private Order order;
  private byte[] javaBytes;
  private final ClassLoader loader = SerializerBenchmark.class.getClassLoader();

  @Setup
  public void setUp() {
    AllowList allowList = new AllowList();
    allowList.allow(SerializerBenchmark.class.getPackageName() + ".*");
    java = new JavaSerializer(allowList);
    order = Order.sample(4_242_424);
    javaBytes = java.serialize(order);
    if (!order.equals(java.deserialize(javaBytes, loader))) {
      throw new IllegalStateException("the java serializer does not round-trip the DTO");
    }
  }

  @Benchmark
  public Object javaDeserialize() {
    return java.deserialize(javaBytes, loader);
  }

  @Benchmark
  public byte[] javaSerialize() {
    return java.serialize(order);
  }
}
