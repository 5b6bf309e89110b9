package com.example.bench;

import io.depcache.agent.serial.EntryCodec;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/**
 * Bytes allocated per operation by a hit, a raw GET + decode, the raw GET alone and the decoding
 * alone, measured by the thread's allocation counter ({@code ThreadMXBean#getThreadAllocatedBytes})
 * over the same number of calls in one JVM: a quick check of the hit's allocation while working on
 * it (JMH's gc profiler gives the figure {@code scripts/bench.sh} reports). Run under the agent, as
 * {@link HitBenchmark}'s forks are: {@code java -javaagent:... -Ddepcache.redis.url=URL
 * -Dbench.redis.url=URL -cp benchmarks.jar com.example.bench.HitAllocProbe [calls [hits]]}; {@code
 * hits} makes only hits, for an allocation profile.
 */
public final class HitAllocProbe {
  private HitAllocProbe() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    boolean hitsOnly = args.length > 1 && args[1].equals("hits");
    try (Fixture fixture = Fixture.create(1)) {
      if (hitsOnly) {
        // for an allocation profile of the hit alone (JFR's jdk.ObjectAllocationSample)
        System.out.printf("hit %d B%n", perCall(fixture::hit, calls));
        return;
      }
      Object stored = fixture.stored;
      Supplier<Object> decode =
          () -> EntryCodec.decode(fixture.stored, fixture.serializer, fixture.loader).value();
      for (int round = 0; round < 3; round++) {
        long hit = perCall(fixture::hit, calls);
        long async = perCall(fixture::asyncHit, calls);
        long raw = perCall(fixture::rawGetDecode, calls);
        long get = perCall(fixture::rawGet, calls);
        long decoded = perCall(decode, calls);
        System.out.printf(
            "round %d: hit %d B, async hit %d B, raw GET + decode %d B, raw GET %d B, decode %d B;"
                + " hit - decode %d B, hit - raw GET + decode %d B, hit - (raw GET + decode) of"
                + " the entry's %d bytes%n",
            round,
            hit,
            async,
            raw,
            get,
            decoded,
            hit - decoded,
            hit - raw,
            ((byte[]) stored).length);
      }
    }
  }

  private static long perCall(Supplier<?> call, int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < calls / 4; i++) {
      call.get();
    }
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < calls; i++) {
      call.get();
    }
    return (threads.getThreadAllocatedBytes(id) - before) / calls;
  }
}
