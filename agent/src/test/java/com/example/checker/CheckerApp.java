package com.example.checker;

import io.depcache.DepCache;
import io.depcache.Stats;
import io.depcache.StatsCollector;
import io.depcache.testing.LineApp;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * One JVM of the stale-read checker: reader threads read rows through cached methods while a writer
 * thread raises row versions and invalidates them, each operation stamped with a ticket from a
 * counter in Redis that every JVM shares. Driven over stdin like {@code ItApp} ({@link LineApp}).
 *
 * <p>Commands: {@code start <redisUrl> <namespace> <readers> <readsPerReader> <writes> <rows>
 * <maxPauseMicros> <logFile>} starts the run and answers at once; {@code status} answers {@code
 * running <reads>}, {@code done <figures>} (the log is written by then) or {@code failed <why>};
 * {@code quit}.
 *
 * <p>Log lines: {@code R <start> <end> <row> <version> [<row> <version>]} for a read, whose tickets
 * were taken before it started and after it returned; {@code W <row> <version> <end> <start>} for a
 * write, whose tickets were taken after {@code invalidateDependency} returned and before the row
 * was written.
 */
public final class CheckerApp {
  private final StatsCollector stats = new StatsCollector();
  private final AtomicLong readsDone = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile String done;

  private CheckerApp() {}

  public static void main(String[] args) throws Exception {
    CheckerApp app = new CheckerApp();
    DepCache.manager().events().onAll(app.stats);
    LineApp.serve(app::command, "failed");
  }

  private String command(String[] words) {
    switch (words[0]) {
      case "start":
        Thread run = new Thread(() -> runAndLog(words), "checker-run");
        run.setDaemon(true);
        run.start();
        return "started";
      case "status":
        Throwable failed = failure.get();
        if (failed != null) {
          return "failed " + failed;
        }
        return done != null ? done : "running " + readsDone.get();
      default:
        return "unknown command " + words[0];
    }
  }

  private void runAndLog(String[] words) {
    try {
      String url = words[1];
      String namespace = words[2];
      int readers = Integer.parseInt(words[3]);
      int readsPerReader = Integer.parseInt(words[4]);
      int writes = Integer.parseInt(words[5]);
      int rowCount = Integer.parseInt(words[6]);
      long maxPauseMicros = Long.parseLong(words[7]);
      Path log = Path.of(words[8]);
      // The rows' database outlasts the faults the tests make: a JVM stopped for 2 s mid-read
      // resumes to a read that Jedis' default 2 s timeout has already failed.
      try (RedisClient db =
          RedisClient.builder()
              .clientConfig(DefaultJedisClientConfig.builder().socketTimeoutMillis(30_000).build())
              .fromURI(url)
              .build()) {
        Workload workload =
            new Workload(
                db, namespace, rowCount, new Readers(new Rows(db, namespace, maxPauseMicros)));
        long began = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        long[][] readLogs = new long[readers][];
        for (int r = 0; r < readers; r++) {
          int reader = r;
          threads.add(
              thread(
                  "reader-" + r,
                  () -> readLogs[reader] = workload.reads(readsPerReader, readsDone)));
        }
        long totalReads = (long) readers * readsPerReader;
        long[][] writeLog = new long[1][];
        threads.add(
            thread("writer", () -> writeLog[0] = workload.writes(writes, totalReads, readsDone)));
        for (Thread thread : threads) {
          thread.join();
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        if (failure.get() != null) {
          return;
        }
        write(log, readLogs, writeLog[0]);
        Stats figures = stats.getStats();
        done =
            "done reads="
                + totalReads
                + " writes="
                + writes
                + " millis="
                + millis
                + " hits="
                + figures.hits()
                + " misses="
                + figures.misses()
                + " sets="
                + figures.sets()
                + " invalidations="
                + figures.invalidations()
                + " errors="
                + figures.errors()
                + " nearHits="
                + figures.nearHits();
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  private Thread thread(String name, Runnable body) {
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              }
            },
            name);
    thread.start();
    return thread;
  }

  private static void write(Path log, long[][] readLogs, long[] writeLog) throws Exception {
    try (BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.US_ASCII)) {
      for (long[] reads : readLogs) {
        for (int i = 0; i < reads.length; i += Workload.READ_FIELDS) {
          out.write("R " + reads[i] + " " + reads[i + 1] + " " + reads[i + 2] + " " + reads[i + 3]);
          if (reads[i + 4] >= 0) {
            out.write(" " + reads[i + 4] + " " + reads[i + 5]);
          }
          out.newLine();
        }
      }
      for (int i = 0; i < writeLog.length; i += Workload.WRITE_FIELDS) {
        out.write(
            "W "
                + writeLog[i]
                + " "
                + writeLog[i + 1]
                + " "
                + writeLog[i + 2]
                + " "
                + writeLog[i + 3]);
        out.newLine();
      }
    }
  }

  /** The operations of one JVM, with the shared ticket counter. */
  static final class Workload {
    static final int READ_FIELDS = 6;
    static final int WRITE_FIELDS = 4;

    private final RedisClient db;
    private final String clock;
    private final int rowCount;
    private final Readers readers;

    Workload(RedisClient db, String namespace, int rowCount, Readers readers) {
      this.db = db;
      this.clock = namespace + "clock";
      this.rowCount = rowCount;
      this.readers = readers;
    }

    /** Half single rows, half pairs of nearby rows: a small key space, so hits and races abound. */
    long[] reads(int count, AtomicLong readsDone) {
      long[] log = new long[count * READ_FIELDS];
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < count; i++) {
        int at = i * READ_FIELDS;
        int a = random.nextInt(rowCount);
        boolean pair = random.nextBoolean();
        int b = pair ? (a + 1 + random.nextInt(3)) % rowCount : -1;
        log[at] = db.incr(clock);
        if (pair) {
          Readers.Pair versions = readers.pair(a, b);
          log[at + 3] = versions.first();
          log[at + 5] = versions.second();
        } else {
          log[at + 3] = readers.rowVersion(a);
        }
        log[at + 1] = db.incr(clock);
        log[at + 2] = a;
        log[at + 4] = b;
        readsDone.incrementAndGet();
      }
      return log;
    }

    /** Writes spread evenly over this JVM's reads, so that they race with reads throughout. */
    long[] writes(int count, long totalReads, AtomicLong readsDone) {
      long[] log = new long[count * WRITE_FIELDS];
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < count; i++) {
        long due = totalReads * i / count;
        while (readsDone.get() < due) {
          LockSupport.parkNanos(50_000);
        }
        int id = random.nextInt(rowCount);
        int at = i * WRITE_FIELDS;
        log[at + 3] = db.incr(clock);
        long version = readers.rows().write(id);
        DepCache.manager().invalidateDependency("row:" + id);
        log[at] = id;
        log[at + 1] = version;
        log[at + 2] = db.incr(clock);
      }
      return log;
    }
  }
}
