package io.depcache.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the merged logs of the stale-read checker's JVMs ({@code com.example.checker.CheckerApp}):
 * a read whose start ticket follows the completion ticket of a write to one of its rows must return
 * that row at the write's version or a later one.
 *
 * <p>Tickets come from one counter in Redis, so they order operations across JVMs: a write's ticket
 * is taken after its invalidation returned, a read's before it started, so a smaller write ticket
 * means the invalidation had returned before the read started.
 */
final class StaleReads {
  private static final int EXAMPLES = 10;

  private final List<long[]> reads = new ArrayList<>();
  private final Map<Integer, List<long[]>> writesByRow = new HashMap<>();
  private long writes;

  /** What the check found. */
  record Verdict(
      long reads,
      long writes,
      long observations,
      long constrained,
      long racing,
      long stale,
      List<String> examples) {}

  /** Adds one JVM's log. */
  void add(Path log) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.US_ASCII)) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] words = line.split(" ");
        long[] numbers = new long[words.length - 1];
        for (int i = 1; i < words.length; i++) {
          numbers[i - 1] = Long.parseLong(words[i]);
        }
        if (words[0].equals("R")) {
          reads.add(numbers);
        } else if (words[0].equals("W")) {
          writesByRow.computeIfAbsent((int) numbers[0], r -> new ArrayList<>()).add(numbers);
          writes++;
        } else {
          throw new AssertionError("not a checker log line: " + line);
        }
      }
    }
  }

  /** Checks every read against every write to its rows. */
  Verdict check() {
    Map<Integer, long[]> tickets = new HashMap<>();
    Map<Integer, long[]> atLeast = new HashMap<>();
    writesByRow.forEach(
        (row, list) -> {
          list.sort((x, y) -> Long.compare(x[2], y[2]));
          long[] byTicket = new long[list.size()];
          long[] maxVersion = new long[list.size()];
          long max = 0;
          for (int i = 0; i < list.size(); i++) {
            byTicket[i] = list.get(i)[2];
            max = Math.max(max, list.get(i)[1]);
            maxVersion[i] = max;
          }
          tickets.put(row, byTicket);
          atLeast.put(row, maxVersion);
        });
    long observations = 0;
    long constrained = 0;
    long racing = 0;
    long stale = 0;
    List<String> examples = new ArrayList<>();
    for (long[] read : reads) {
      long start = read[0];
      long end = read[1];
      boolean raced = false;
      boolean wasStale = false;
      for (int i = 2; i + 1 < read.length; i += 2) {
        int row = (int) read[i];
        long version = read[i + 1];
        observations++;
        long[] byTicket = tickets.get(row);
        if (byTicket == null) {
          continue;
        }
        // the writes that completed before the read started
        int before = insertionPoint(byTicket, start);
        if (before > 0) {
          constrained++;
          long required = atLeast.get(row)[before - 1];
          if (version < required) {
            wasStale = true;
            if (examples.size() < EXAMPLES) {
              examples.add(
                  "read "
                      + Arrays.toString(read)
                      + ": row "
                      + row
                      + " at version "
                      + version
                      + ", but version "
                      + required
                      + " was invalidated before it started");
            }
          }
        }
        raced |= insertionPoint(byTicket, end) > before;
      }
      if (wasStale) {
        stale++;
      }
      if (raced) {
        racing++;
      }
    }
    return new Verdict(reads.size(), writes, observations, constrained, racing, stale, examples);
  }

  /** How many of the sorted tickets are smaller than {@code ticket}. */
  private static int insertionPoint(long[] sorted, long ticket) {
    int found = Arrays.binarySearch(sorted, ticket);
    // Tickets are unique, so a read's ticket is never a write's: found is always negative.
    return found >= 0 ? found : -found - 1;
  }
}
