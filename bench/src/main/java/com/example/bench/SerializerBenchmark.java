package com.example.bench;

import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.JavaSerializer;
import io.depcache.agent.serial.KryoSerializer;
import io.depcache.agent.serial.Serializer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The built-in serializers on the typical DTO ({@link Order}), without Redis, measured in the same
 * run: {@code java} is {@link JavaSerializer}, the JDK's serialization behind the agent's allowlist
 * filter; {@code kryo} is {@link KryoSerializer}, Kryo 5 with registrations from the same list, its
 * instances taken from its pool. {@link #kryoDeserializeCold} is what an instance that the pool
 * does not have costs: a new serializer (so a new Kryo instance) reading the same bytes, which
 * registers {@code Order}, its list and {@code Line} again. Java's allocation per deserialization
 * (from the gc profiler) is what the suite subtracts from the hit's. Sampled call by call like the
 * hit, so that the figures are medians too, robust to the pauses of a shared machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializerBenchmark {
  private AllowList allowList;
  private JavaSerializer java;
  private KryoSerializer kryo;
  private Order order;
  private byte[] javaBytes;
  private byte[] kryoBytes;
  private final ClassLoader loader = SerializerBenchmark.class.getClassLoader();

  @Setup
  public void setUp() {
    allowList = new AllowList();
    allowList.allow(SerializerBenchmark.class.getPackageName() + ".*");
    java = new JavaSerializer(allowList);
    kryo = new KryoSerializer(allowList);
    order = Order.sample(4_242_424);
    javaBytes = roundTrip(java);
    kryoBytes = roundTrip(kryo);
    System.out.println(
        "serializer bytes of the DTO: java " + javaBytes.length + ", kryo " + kryoBytes.length);
  }

  private byte[] roundTrip(Serializer serializer) {
    byte[] bytes = serializer.serialize(order);
    if (!order.equals(serializer.deserialize(bytes, loader))) {
      throw new IllegalStateException(serializer.name() + " does not round-trip the DTO");
    }
    return bytes;
  }

  @Benchmark
  public Object javaDeserialize() {
    return java.deserialize(javaBytes, loader);
  }

  @Benchmark
  public byte[] javaSerialize() {
    return java.serialize(order);
  }

  @Benchmark
  public Object kryoDeserialize() {
    return kryo.deserialize(kryoBytes, loader);
  }

  @Benchmark
  public byte[] kryoSerialize() {
    return kryo.serialize(order);
  }

  @Benchmark
  public Object kryoDeserializeCold() {
    return new KryoSerializer(allowList).deserialize(kryoBytes, loader);
  }
}
