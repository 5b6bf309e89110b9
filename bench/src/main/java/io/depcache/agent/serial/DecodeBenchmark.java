package io.depcache.agent.serial;

import com.example.bench.Line;
import com.example.bench.Order;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the pass that bounds reading ({@link StreamExpansion}) costs of decoding a value: {@code
 * decode} is {@link JavaSerializer#deserialize}, the pass included, {@code prepass} the pass alone,
 * on the same bytes. The values: {@code dto}, the typical {@link Order} (ten lines, about 1 KB);
 * {@code order200}, an order with 200 lines; {@code list10000}, a list of 10,000 {@link Line}
 * records.
 *
 * <p>In the agent's package, though the bench's own code lives in {@code com.example.bench}: the
 * pass is package-private, and a benchmark here reaches it without making it public for the sake of
 * benchmarks. It works because both classes are loaded by the same (system) class loader, the
 * agent's from the jar that {@code -javaagent} appends to the class path, and the agent jar is not
 * sealed. Nothing here needs instrumenting, so it does not matter that the agent leaves {@code
 * io.depcache.*} alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmark {
  @Param({"dto", "order200", "list10000"})
  public String value;

  private JavaSerializer java;
  private byte[] bytes;
  private final ClassLoader loader = DecodeBenchmark.class.getClassLoader();

  @Setup
  public void setUp() {
    AllowList allowList = new AllowList();
    allowList.allow(Order.class.getPackageName() + ".*");
    java = new JavaSerializer(allowList);
    Object sample =
        switch (value) {
          case "dto" -> Order.sample(4_242_424);
          case "order200" -> Order.sample(4_242_424, 200);
          case "list10000" -> new ArrayList<>(Order.sample(4_242_424, 10_000).lines());
          default -> throw new IllegalArgumentException("no value named " + value);
        };
    bytes = java.serialize(sample);
    if (!sample.equals(java.deserialize(bytes, loader))) {
      throw new IllegalStateException("the java serializer does not round-trip " + value);
    }
    // The pass stops early where the bytes break the grammar: it must go over all of them here.
    int lines = sample instanceof Order order ? order.lines().size() : ((List<?>) sample).size();
    if (StreamExpansion.rejection(bytes, 0, bytes.length) != null
        || StreamExpansion.expansion(bytes) < lines) {
      throw new IllegalStateException("the pass does not read " + value + " through");
    }
  }

  @Benchmark
  public Object decode() {
    return java.deserialize(bytes, loader);
  }

  @Benchmark
  public String prepass() {
    return StreamExpansion.rejection(bytes, 0, bytes.length);
  }
}
