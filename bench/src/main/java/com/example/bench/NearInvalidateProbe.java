package com.example.bench;

import io.depcache.CacheManager;
import io.depcache.DepCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * What the near cache's coherence costs an invalidation: {@code invalidateDependency} of one
 * dependency with {@value #DEPENDENTS} dependents, timed in a JVM whose agent has the near cache on
 * while {@value #PEERS} other JVMs (separate processes, each with the agent and the near cache on,
 * on the same prefix) are subscribed, against the same in a JVM whose agent has the near cache off.
 * Two cases with the near cache on: a dependency the peers never held near (each trial's own: the
 * invalidation is published to them, and waits for none, since their hold filters do not have it),
 * and one every peer holds near (it returns once each peer acknowledged it).
 *
 * <p>Run without the agent: {@code java -cp benchmarks.jar com.example.bench.NearInvalidateProbe
 * JAVA AGENT_JAR URL [rounds [trials]]} (default 3 rounds of 30 trials; {@code -Dpeers=N} and
 * {@code -Dwarmup=N} change the {@value #DEFAULT_PEERS} peers and {@value #DEFAULT_WARM_UP}
 * unmeasured trials). It starts the peers, waits until each serves near hits, then runs, per round,
 * one timing JVM with the near cache off (its own prefix), one with it on for each case (the peers'
 * prefix), each timing its trials after the unmeasured ones, which bring every JVM's paths to
 * steady state (compiled). A probe, not a test: it fails when an invalidation did not remove every
 * dependent or a JVM does not come up.
 */
public final class NearInvalidateProbe {
  static final int DEFAULT_PEERS = 3;
  static final int PEERS = Integer.getInteger("peers", DEFAULT_PEERS);
  static final int DEPENDENTS = 10;
  static final int DEFAULT_WARM_UP = 1000;
  private static final int WARM_UP = Integer.getInteger("warmup", DEFAULT_WARM_UP);

  /** The dependency every peer holds an entry of near. */
  private static final String HELD = "held-by-peers";

  private static final String PREFIX = "bench-near-inv";

  private NearInvalidateProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("peer")) {
      peer();
      return;
    }
    if (args.length >= 3 && args[0].equals("floor-peer")) {
      floorPeer(args[1], args[2]);
      return;
    }
    if (args.length >= 3 && args[0].equals("time")) {
      time(
          Integer.parseInt(args[1]),
          Boolean.getBoolean("depcache.near-cache.enabled"),
          args[2].equals("held"));
      return;
    }
    if (args.length < 3) {
      System.err.println("usage: NearInvalidateProbe JAVA AGENT_JAR URL [rounds [trials]]");
      System.exit(2);
    }
    String java = args[0];
    String agent = args[1];
    String url = args[2];
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int trials = args.length > 4 ? Integer.parseInt(args[4]) : 30;
    String classPath = System.getProperty("java.class.path");
    List<Process> peers = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    List<Double> with = new ArrayList<>();
    List<Double> held = new ArrayList<>();
    try {
      for (int i = 0; i < PEERS; i++) {
        Process peer =
            start(java, agent, url, classPath, PREFIX, true, "-Xmx128m", List.of("peer"));
        peers.add(peer);
        expect(peer, "serving", "peer " + i);
      }
      for (int round = 0; round < rounds; round++) {
        without.addAll(
            timed(
                start(
                    java,
                    agent,
                    url,
                    classPath,
                    PREFIX + "-off",
                    false,
                    "-Xmx256m",
                    time(trials, "own"))));
        with.addAll(
            timed(
                start(java, agent, url, classPath, PREFIX, true, "-Xmx256m", time(trials, "own"))));
        held.addAll(
            timed(
                start(
                    java, agent, url, classPath, PREFIX, true, "-Xmx256m", time(trials, "held"))));
      }
    } finally {
      stop(peers);
    }
    List<Double> floor = floor(java, url, classPath, rounds * trials);
    double withMedian = median(with);
    double withoutMedian = median(without);
    figure("invalidate_without_near_ms", withoutMedian);
    figure("invalidate_with_near_ms", withMedian);
    figure("invalidate_with_near_p90_ms", percentile(with, 90));
    figure("invalidate_without_near_p90_ms", percentile(without, 90));
    figure("invalidate_with_near_peers", PEERS);
    figure("invalidate_with_near_vs_without_ratio", withMedian / withoutMedian);
    figure("invalidate_with_near_held_ms", median(held));
    figure("invalidate_with_near_held_p90_ms", percentile(held, 90));
    figure("invalidate_with_near_held_vs_without_ratio", median(held) / withoutMedian);
    figure("near_ack_floor_ms", median(floor));
    figure(
        "near_ack_floor_plus_without_vs_without_ratio",
        (median(floor) + withoutMedian) / withoutMedian);
  }

  /**
   * The floor of any protocol that waits for each peer's answer: a bare Jedis {@code PUBLISH} to
   * {@value #DEFAULT_PEERS} peer processes (no agent) that each answer with a {@code PUBLISH} as
   * soon as they hear it, timed until the publisher's subscriber thread heard every answer and woke
   * the publishing thread; the same unmeasured trials first.
   */
  private static List<Double> floor(String java, String url, String classPath, int trials)
      throws Exception {
    String channel = "bench-near-floor:" + Long.toString(System.nanoTime(), 36);
    List<Process> peers = new ArrayList<>();
    Map<String, int[]> answers = new ConcurrentHashMap<>();
    URI uri = URI.create(url);
    List<Double> times = new ArrayList<>();
    Jedis listening = new Jedis(uri);
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub acks =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String name, int count) {
            subscribed.countDown();
          }

          @Override
          public void onMessage(String name, String message) {
            int[] heard = answers.get(message);
            if (heard != null) {
              synchronized (heard) {
                heard[0]++;
                heard.notifyAll();
              }
            }
          }
        };
    Thread subscriber = new Thread(() -> listening.subscribe(acks, channel + ":acks"));
    subscriber.setDaemon(true);
    subscriber.start();
    try (Jedis publisher = new Jedis(uri)) {
      for (int i = 0; i < PEERS; i++) {
        Process peer =
            new ProcessBuilder(
                    java,
                    "-Xmx64m",
                    "-cp",
                    classPath,
                    NearInvalidateProbe.class.getName(),
                    "floor-peer",
                    url,
                    channel)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        peers.add(peer);
        expect(peer, "ready", "floor peer " + i);
      }
      if (!subscribed.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the floor's subscription was not confirmed");
      }
      for (int trial = -WARM_UP; trial < trials; trial++) {
        String id = Integer.toString(trial);
        int[] heard = new int[1];
        answers.put(id, heard);
        long started = System.nanoTime();
        publisher.publish(channel, id);
        synchronized (heard) {
          while (heard[0] < PEERS) {
            heard.wait(1000);
          }
        }
        long nanos = System.nanoTime() - started;
        answers.remove(id);
        if (trial >= 0) {
          times.add(nanos / 1e6);
        }
      }
    } finally {
      acks.unsubscribe();
      stop(peers);
    }
    return times;
  }

  /** Ends peer processes: each ends when its standard input does, or is killed 10 s later. */
  private static void stop(List<Process> peers) throws Exception {
    for (Process peer : peers) {
      peer.getOutputStream().close();
    }
    for (Process peer : peers) {
      if (!peer.waitFor(10, TimeUnit.SECONDS)) {
        peer.destroyForcibly();
      }
    }
  }

  /** A floor peer: answers every message on {@code channel} at once, until its input ends. */
  private static void floorPeer(String url, String channel) throws Exception {
    URI uri = URI.create(url);
    Jedis answering = new Jedis(uri);
    Jedis listening = new Jedis(uri);
    JedisPubSub pubSub =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String name, int count) {
            System.out.println("ready");
            System.out.flush();
          }

          @Override
          public void onMessage(String name, String message) {
            answering.publish(channel + ":acks", message);
          }
        };
    Thread subscriber = new Thread(() -> listening.subscribe(pubSub, channel));
    subscriber.setDaemon(true);
    subscriber.start();
    while (System.in.read() >= 0) {
      // until the probe closes it
    }
    pubSub.unsubscribe();
  }

  private static List<String> time(int trials, String dependency) {
    return List.of("time", Integer.toString(trials), dependency);
  }

  private static Process start(
      String java,
      String agent,
      String url,
      String classPath,
      String prefix,
      boolean near,
      String heap,
      List<String> what)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                heap,
                "-javaagent:" + agent,
                "-Ddepcache.redis.url=" + url,
                "-Ddepcache.prefix=" + prefix,
                "-Dwarmup=" + WARM_UP,
                "-Ddepcache.near-cache.enabled=" + near,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                classPath,
                NearInvalidateProbe.class.getName()));
    command.addAll(what);
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static void expect(Process process, String line, String what) throws IOException {
    BufferedReader out = reader(process);
    String read = out.readLine();
    if (!line.equals(read)) {
      throw new IllegalStateException(what + " did not come up: " + read);
    }
  }

  /** The times a timing JVM printed, one {@code ms: x} line per trial. */
  private static List<Double> timed(Process process) throws Exception {
    List<Double> times = new ArrayList<>();
    BufferedReader out = reader(process);
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("ms: ")) {
        times.add(Double.parseDouble(line.substring(4)));
      }
    }
    if (process.waitFor() != 0 || times.isEmpty()) {
      throw new IllegalStateException("a timing JVM failed (exit " + process.exitValue() + ")");
    }
    return times;
  }

  private static BufferedReader reader(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** A subscribed JVM: holds an entry of {@link #HELD} near, until its standard input ends. */
  private static void peer() throws Exception {
    CacheManager manager = DepCache.manager();
    awaitNear(manager, "peer");
    String key = "held:" + ProcessHandle.current().pid();
    for (int i = 0; i < 2; i++) {
      manager.getOrCompute(
          key,
          600,
          () -> {
            DepCache.addDependency(HELD);
            return "held";
          });
    }
    System.out.println("serving");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the probe closes it
    }
  }

  /**
   * Times {@code trials} invalidations after the unmeasured ones: of a dependency of each trial's
   * own, or of {@link #HELD} (each peer's entry of it went at the first, but the peers' hold
   * filters keep it: they are waited for every time, as when they hold entries of it).
   */
  private static void time(int trials, boolean near, boolean held) throws Exception {
    CacheManager manager = DepCache.manager();
    if (near) {
      awaitNear(manager, "timer");
    }
    String run = Long.toString(System.nanoTime(), 36);
    for (int trial = -WARM_UP; trial < trials; trial++) {
      String dependency = held ? HELD : "inv:" + run + ":" + trial;
      for (int i = 0; i < DEPENDENTS; i++) {
        manager.set("entry:" + run + ":" + trial + ":" + i, "v", 600, List.of(dependency));
      }
      long started = System.nanoTime();
      long removed = manager.invalidateDependency(dependency);
      long nanos = System.nanoTime() - started;
      if (removed < DEPENDENTS || removed > DEPENDENTS + PEERS) {
        throw new IllegalStateException("removed " + removed + " of " + DEPENDENTS + " dependents");
      }
      if (trial >= 0) {
        System.out.println(String.format(Locale.ROOT, "ms: %.3f", nanos / 1e6));
      }
    }
  }

  /** Waits until this JVM's near cache serves: its manager's MBean counts a near hit. */
  private static void awaitNear(CacheManager manager, String key) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName("io.depcache:type=CacheManager,name=\"default\"");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!server.isRegistered(name) || (Long) server.getAttribute(name, "NearHits") == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no near hit within 30 s: is the near cache on?");
      }
      manager.getOrCompute("near-warm:" + key, 600, () -> "warm");
      Thread.sleep(20);
    }
  }

  private static double median(List<Double> values) {
    return percentile(values, 50);
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int at = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, at)));
  }

  private static void figure(String name, double value) {
    System.out.println(
        name
            + ": "
            + (Math.abs(value) >= 100
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.3f", value)));
  }
}
