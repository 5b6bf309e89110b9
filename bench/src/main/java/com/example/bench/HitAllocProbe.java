package com.example.bench;

import io.depcache.agent.serial.EntryCodec;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Bytes allocated per operation by a hit, a raw GET + decode, the raw GET alone and the decoding
 * alone, measured by the thread's allocation counter ({@code ThreadMXBean#getThreadAllocatedBytes})
 * over the same number of calls in one JVM, round after round. {@code scripts/bench.sh} reports its
 * medians beside JMH's: JMH measures the hit and the raw GET + decode in different forks, where the
 * compiler removes a different part of the decoding's 15 KB (java), so their difference moves by
 * several hundred bytes from run to run; here both are compiled in one JVM and the difference is
 * the agent's own allocation. Run under the agent, as {@link HitBenchmark}'s forks are: {@code java
 * -javaagent:... -Ddepcache.redis.url=URL -Dbench.redis.url=URL -cp benchmarks.jar
 * com.example.bench.HitAllocProbe [calls [rounds | hits]]}; {@code hits} makes only hits, for an
 * allocation profile (JFR's {@code jdk.ObjectAllocationSample}). The figures are named after the
 * serializer ({@code depcache.serializer}).
 */
public final class HitAllocProbe {
  private HitAllocProbe() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    boolean hitsOnly = args.length > 1 && args[1].equals("hits");
    int rounds = args.length > 1 && !hitsOnly ? Integer.parseInt(args[1]) : 5;
    try (Fixture fixture = Fixture.create(1)) {
      if (hitsOnly) {
        System.out.printf("hit %d B%n", perCall(fixture::hit, calls));
        return;
      }
      Object stored = fixture.stored;
      Supplier<Object> decode =
          () -> EntryCodec.decode(fixture.stored, fixture.serializer, fixture.loader).value();
      long[] beyondRaw = new long[rounds];
      long[] beyondGetAndDecode = new long[rounds];
      long[] hits = new long[rounds];
      for (int round = 0; round < rounds; round++) {
        long hit = perCall(fixture::hit, calls);
        long async = perCall(fixture::asyncHit, calls);
        long raw = perCall(fixture::rawGetDecode, calls);
        long get = perCall(fixture::rawGet, calls);
        long decoded = perCall(decode, calls);
        hits[round] = hit;
        beyondRaw[round] = hit - raw;
        beyondGetAndDecode[round] = hit - get - decoded;
        System.err.printf(
            "round %d: hit %d B, async hit %d B, raw GET + decode %d B, raw GET %d B, decode %d B;"
                + " hit - (raw GET + decode) %d B, hit - raw GET - decode %d B, of an entry of %d"
                + " bytes%n",
            round,
            hit,
            async,
            raw,
            get,
            decoded,
            hit - raw,
            hit - get - decoded,
            ((byte[]) stored).length);
      }
      String name = "hit_alloc_probe_" + fixture.serializer.name();
      System.out.println(name + "_rounds: " + rounds);
      System.out.println(name + "_bytes_per_op: " + median(hits));
      System.out.println(name + "_beyond_raw_bytes_per_op: " + median(beyondRaw));
      System.out.println(
          name + "_beyond_get_and_decode_bytes_per_op: " + median(beyondGetAndDecode));
    }
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
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
