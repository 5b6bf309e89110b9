package com.example.bench;

import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.JavaSerializer;
import io.depcache.agent.serial.KryoSerializer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Deserializations of the typical DTO per second with eight threads sharing one serializer of each
 * kind, as the threads of an application share a manager's: for {@code kryo}, what its pool of
 * instances costs under contention (the JDK's serializer keeps no state between calls).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class SerializerThroughputBenchmark {
  private JavaSerializer java;
  private KryoSerializer kryo;
  private byte[] javaBytes;
  private byte[] kryoBytes;
  private final ClassLoader loader = SerializerThroughputBenchmark.class.getClassLoader();

  @Setup
  public void setUp() {
    AllowList allowList = new AllowList();
    allowList.allow(SerializerThroughputBenchmark.class.getPackageName() + ".*");
    java = new JavaSerializer(allowList);
    kryo = new KryoSerializer(allowList);
    Order order = Order.sample(4_242_424);
    javaBytes = java.serialize(order);
    kryoBytes = kryo.serialize(order);
  }

  @Benchmark
  public Object javaDeserialize() {
    return java.deserialize(javaBytes, loader);
  }

  @Benchmark
  public Object kryoDeserialize() {
    return kryo.deserialize(kryoBytes, loader);
  }
}
