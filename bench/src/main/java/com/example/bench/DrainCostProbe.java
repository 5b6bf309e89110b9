package com.example.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * What removing the members of a sorted set costs Redis, by how they are read: the evidence behind
 * {@code RedisInvalidator}'s choice to read a large detached set in the client rather than in a
 * script. Each trial fills a sorted set of {@code N} entry keys (score = position, as {@code
 * put.lua} writes them) and their entries, then removes them one way, and records the Redis main
 * thread's CPU over it ({@code /proc/<pid>/schedstat}, so Redis must be a process of this machine)
 * and the wall time:
 *
 * <ul>
 *   <li>{@code unlink}: one {@code UNLINK} of all the keys, which the client already knows;
 *   <li>{@code script_read}: a script that reads the set in pages of 256 and does nothing with
 *       them, then the {@code UNLINK} above: what a script's reading adds;
 *   <li>{@code script_drain}: a script that reads pages of 256 and unlinks each, as {@code
 *       drain-sets.lua} does;
 *   <li>{@code client_read}: one {@code ZRANGE} of the whole set to the client, then the {@code
 *       UNLINK}: what a reply to the client adds;
 *   <li>{@code client_drain}: pages read by the client and unlinked in batches of 1,024, pipelined
 *       with the read of the next page, as {@code RedisInvalidator.drainSorted} does;
 *   <li>{@code client_drain_two_connections}: the same pages read on one connection, each read as
 *       soon as the one before arrived, while their unlinks go out on a second connection, whose
 *       replies are read once, at the end: the client never waits for an unlink before it sends the
 *       next.
 * </ul>
 *
 * <p>Arguments: {@code URL [members [trials]]} (default 10,000 and 9). Prints the medians as {@code
 * drain_cost_<way>_redis_cpu_ms} and {@code _wall_ms}. A probe: it asserts no time, but fails when
 * a way did not remove every entry.
 */
public final class DrainCostProbe {
  private static final String SCRIPT_DRAIN =
      "local size = tonumber(ARGV[1]) local from = 0 local removed = 0 "
          + "repeat "
          + "local members = redis.call('ZRANGE', KEYS[1], from, from + size - 1) "
          + "if #members > 0 then removed = removed + redis.call('UNLINK', unpack(members)) end "
          + "from = from + size "
          + "until #members < size "
          + "redis.call('UNLINK', KEYS[1]) "
          + "return removed";
  private static final String SCRIPT_READ =
      "local size = tonumber(ARGV[1]) local from = 0 local read = 0 "
          + "repeat "
          + "local members = redis.call('ZRANGE', KEYS[1], from, from + size - 1) "
          + "read = read + #members "
          + "from = from + size "
          + "until #members < size "
          + "return read";
  private static final List<String> WAYS =
      List.of(
          "unlink",
          "script_read",
          "script_drain",
          "client_read",
          "client_drain",
          "client_drain_two_connections");

  private DrainCostProbe() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: DrainCostProbe REDIS_URL [members [trials]]");
      System.exit(2);
    }
    int members = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int trials = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    try (Jedis redis = new Jedis(URI.create(args[0]));
        Jedis unlinker = new Jedis(URI.create(args[0]))) {
      long pid = ServerCpu.pid(redis);
      if (pid < 0) {
        throw new IllegalStateException(
            "Redis at " + args[0] + " is not a process of this machine");
      }
      String drain = redis.scriptLoad(SCRIPT_DRAIN);
      String read = redis.scriptLoad(SCRIPT_READ);
      Map<String, List<Long>> cpu = new LinkedHashMap<>();
      Map<String, List<Long>> wall = new LinkedHashMap<>();
      byte[] value = new byte[200];
      for (int trial = -1; trial < trials; trial++) { // trial -1: unmeasured
        List<String> ways = new ArrayList<>(WAYS);
        Collections.shuffle(ways);
        for (String way : ways) {
          byte[] set = bytes("drain-cost:" + way + ":set");
          byte[][] keys = fill(redis, set, way, members, value);
          System.gc();
          long[] before = ServerCpu.schedstat(pid);
          long start = System.nanoTime();
          long removed =
              switch (way) {
                case "unlink" -> redis.unlink(keys);
                case "script_read" -> {
                  redis.evalsha(bytes(read), List.of(set), List.of(bytes("256")));
                  yield redis.unlink(keys);
                }
                case "script_drain" ->
                    (Long) redis.evalsha(bytes(drain), List.of(set), List.of(bytes("256")));
                case "client_drain_two_connections" -> clientDrainTwo(redis, unlinker, set);
                case "client_read" -> {
                  redis.zrange(set, 0, -1);
                  yield redis.unlink(keys);
                }
                default -> clientDrain(redis, set);
              };
          long nanos = System.nanoTime() - start;
          long spent = ServerCpu.schedstat(pid)[0] - before[0];
          redis.unlink(set);
          if (removed != members) {
            throw new IllegalStateException(way + " removed " + removed + " of " + members);
          }
          if (trial >= 0) {
            cpu.computeIfAbsent(way, w -> new ArrayList<>()).add(spent);
            wall.computeIfAbsent(way, w -> new ArrayList<>()).add(nanos);
          }
        }
      }
      System.out.println("drain_cost_members: " + members);
      System.out.println("drain_cost_trials: " + trials);
      for (String way : WAYS) {
        System.out.printf(
            "drain_cost_%s_redis_cpu_ms: %.3f%n", way, median(cpu.get(way)) / 1_000_000.0);
        System.out.printf(
            "drain_cost_%s_wall_ms: %.3f%n", way, median(wall.get(way)) / 1_000_000.0);
      }
    }
  }

  private static byte[][] fill(Jedis redis, byte[] set, String way, int members, byte[] value) {
    byte[][] keys = new byte[members][];
    Pipeline pipeline = redis.pipelined();
    Map<byte[], Double> page = new LinkedHashMap<>();
    for (int i = 0; i < members; i++) {
      keys[i] = bytes("drain-cost:default:e:bench-dependent:" + way + ":" + i);
      pipeline.psetex(keys[i], 600_000, value);
      page.put(keys[i], (double) i);
      if (page.size() == 1_000 || i == members - 1) {
        pipeline.zadd(set, page);
        page = new LinkedHashMap<>();
        pipeline.sync();
      }
    }
    pipeline.sync();
    return keys;
  }

  /** Pages growing from 1,024 to 8,192, unlinked in batches of 1,024 with the next page's read. */
  private static long clientDrain(Jedis redis, byte[] set) {
    long removed = 0;
    try (Pipeline pipeline = redis.pipelined()) {
      int size = 1_024;
      long position = 0;
      Response<List<byte[]>> next = pipeline.zrange(set, position, position + size - 1);
      pipeline.sync();
      List<byte[]> page = next.get();
      while (true) {
        position += size;
        boolean last = page.size() < size;
        size = Math.min(8_192, 2 * size);
        next = last ? null : pipeline.zrange(set, position, position + size - 1);
        List<Response<Long>> counts = new ArrayList<>();
        for (int i = 0; i < page.size(); i += 1_024) {
          List<byte[]> batch = page.subList(i, Math.min(page.size(), i + 1_024));
          counts.add(pipeline.unlink(batch.toArray(new byte[0][])));
        }
        pipeline.sync();
        for (Response<Long> count : counts) {
          removed += count.get();
        }
        if (last) {
          return removed;
        }
        page = next.get();
      }
    }
  }

  /** Pages as {@link #clientDrain} reads them, their unlinks sent on a second connection. */
  private static long clientDrainTwo(Jedis reader, Jedis unlinker, byte[] set) {
    long removed = 0;
    List<Response<Long>> counts = new ArrayList<>();
    try (Pipeline unlinks = unlinker.pipelined()) {
      int size = 1_024;
      long position = 0;
      while (true) {
        List<byte[]> page = reader.zrange(set, position, position + size - 1);
        for (int i = 0; i < page.size(); i += 1_024) {
          List<byte[]> batch = page.subList(i, Math.min(page.size(), i + 1_024));
          counts.add(unlinks.unlink(batch.toArray(new byte[0][])));
        }
        if (page.size() < size) {
          break;
        }
        position += size;
        size = Math.min(8_192, 2 * size);
      }
      unlinks.sync();
    }
    for (Response<Long> count : counts) {
      removed += count.get();
    }
    return removed;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
