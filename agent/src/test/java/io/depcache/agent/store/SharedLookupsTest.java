package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lookups that wait at the same moment share round trips, and never one that began before them. */
class SharedLookupsTest {
  private static final byte[] SEQUENCE = bytes("seq");

  private final ExecutorService threads = Executors.newCachedThreadPool();

  /** Each round trip: when it began, and the entry keys it read. */
  private record RoundTrip(long startedNanos, List<String> keys) {}

  private final List<RoundTrip> roundTrips = new CopyOnWriteArrayList<>();
  private final Map<String, Long> calledAt = new ConcurrentHashMap<>();
  private volatile CountDownLatch hold = new CountDownLatch(0);

  private final Function<byte[][], List<byte[]>> redis =
      keys -> {
        long started = System.nanoTime();
        List<String> names = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < keys.length - 1; i++) {
          String key = new String(keys[i], StandardCharsets.UTF_8);
          names.add(key);
          values.add(bytes("value of " + key));
        }
        assertThat(keys[keys.length - 1]).isEqualTo(SEQUENCE);
        values.add(bytes("41"));
        roundTrips.add(new RoundTrip(started, names));
        try {
          hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return values;
      };

  @AfterEach
  void stop() {
    hold.countDown();
    threads.shutdownNow();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Future<CacheStore.Lookup> lookUp(SharedLookups lookups, String key) {
    return threads.submit(
        () -> {
          calledAt.put(key, System.nanoTime());
          return lookups.lookup(bytes(key));
        });
  }

  @Test
  void aLoneLookupIsOneRoundTripOfItsEntryAndTheSequence() {
    SharedLookups lookups = new SharedLookups(redis, SEQUENCE, 1_000);

    CacheStore.Lookup found = lookups.lookup(bytes("a"));

    assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("value of a");
    assertThat(found.sequence()).isEqualTo(41);
    assertThat(roundTrips).hasSize(1);
    assertThat(roundTrips.get(0).keys()).containsExactly("a");
  }

  @Test
  void lookupsThatWaitTogetherShareRoundTripsThatBeganAfterTheyWereCalled() throws Exception {
    SharedLookups lookups = new SharedLookups(redis, SEQUENCE, 10_000);
    hold = new CountDownLatch(1);
    List<Future<CacheStore.Lookup>> busy = new ArrayList<>();
    for (int i = 0; i < SharedLookups.SENDERS; i++) {
      busy.add(lookUp(lookups, "busy" + i));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (roundTrips.size() < SharedLookups.SENDERS && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    List<Future<CacheStore.Lookup>> queued = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      queued.add(lookUp(lookups, "k" + i));
    }
    Thread.sleep(100); // all 200 are queued behind the round trips in flight
    assertThat(roundTrips).hasSize(SharedLookups.SENDERS);

    hold.countDown();
    for (int i = 0; i < queued.size(); i++) {
      CacheStore.Lookup found = queued.get(i).get(10, TimeUnit.SECONDS);
      assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("value of k" + i);
    }
    for (Future<CacheStore.Lookup> call : busy) {
      call.get(10, TimeUnit.SECONDS);
    }

    // 200 lookups in a few round trips of up to 64, not 200 ...
    assertThat(roundTrips.size() - SharedLookups.SENDERS).isBetween(4, 16);
    for (RoundTrip trip : roundTrips) {
      assertThat(trip.keys().size()).isLessThanOrEqualTo(SharedLookups.MAX_BATCH);
      // ... and none answered by a round trip that began before the lookup was called
      for (String key : trip.keys()) {
        assertThat(calledAt.get(key)).as(key).isLessThan(trip.startedNanos());
      }
    }
  }

  @Test
  void lookupsOfOneHotEntryWaitingTogetherReadItOnceAndEachGetsIt() throws Exception {
    SharedLookups lookups = new SharedLookups(redis, SEQUENCE, 10_000);
    hold = new CountDownLatch(1);
    for (int i = 0; i < SharedLookups.SENDERS; i++) {
      lookUp(lookups, "busy" + i);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (roundTrips.size() < SharedLookups.SENDERS && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    List<Future<CacheStore.Lookup>> hot = new ArrayList<>();
    List<Future<CacheStore.Lookup>> cold = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // a fresh array per call, as each caller builds its own key
      hot.add(threads.submit(() -> lookups.lookup(bytes("hot"))));
      if (i % 4 == 0) {
        String key = "cold" + i;
        cold.add(lookUp(lookups, key));
      }
    }
    Thread.sleep(100); // all are queued behind the round trips in flight
    hold.countDown();
    for (Future<CacheStore.Lookup> call : hot) {
      CacheStore.Lookup found = call.get(10, TimeUnit.SECONDS);
      assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("value of hot");
      assertThat(found.sequence()).isEqualTo(41);
    }
    for (int i = 0; i < cold.size(); i++) {
      CacheStore.Lookup found = cold.get(i).get(10, TimeUnit.SECONDS);
      assertThat(new String(found.value(), StandardCharsets.UTF_8))
          .isEqualTo("value of cold" + i * 4);
    }
    List<RoundTrip> shared = roundTrips.subList(SharedLookups.SENDERS, roundTrips.size());
    assertThat(shared).as("50 lookups in one round trip of up to 64").hasSize(1);
    assertThat(shared.get(0).keys()).filteredOn("hot"::equals).hasSize(1);
    assertThat(shared.get(0).keys()).hasSize(11);
  }

  @Test
  void aLookupThatWaitsLongerThanTheTimeoutGivesUpAsBusy() throws Exception {
    SharedLookups lookups = new SharedLookups(redis, SEQUENCE, 100);
    hold = new CountDownLatch(1);
    for (int i = 0; i < SharedLookups.SENDERS; i++) {
      lookUp(lookups, "busy" + i);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (roundTrips.size() < SharedLookups.SENDERS && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> lookups.lookup(bytes("late")))
        .isInstanceOfSatisfying(
            StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.BUSY));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);

    hold.countDown();
    assertThat(lookups.lookup(bytes("after")).sequence()).as("turns came back").isEqualTo(41);
  }

  @Test
  void aFailedRoundTripFailsEveryLookupInIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SharedLookups lookups =
        new SharedLookups(
            keys -> {
              entered.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new StoreException("Redis is gone");
            },
            SEQUENCE,
            10_000);
    List<Future<CacheStore.Lookup>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(lookUp(lookups, "k" + i));
    }
    entered.await(10, TimeUnit.SECONDS);
    Thread.sleep(50);
    release.countDown();
    for (Future<CacheStore.Lookup> call : calls) {
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("Redis is gone");
    }
  }
}
