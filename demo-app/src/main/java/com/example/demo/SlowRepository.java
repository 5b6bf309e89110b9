package com.example.demo;

import com.example.demo.legacy.TeamDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory database that is deliberately slow: every query sleeps 30 to 50 ms, as a round trip
 * to a real database might take, so that what the cache saves is visible.
 *
 * <p>It counts the queries each thread makes and the time they took, so a response can say what ran
 * for it; work that a request hands to other threads counts for the request through {@link
 * #countingForSubmitter}.
 */
final class SlowRepository implements TeamDirectory.Table {
  private static final ThreadLocal<Tally> TALLY = ThreadLocal.withInitial(Tally::new);

  private final Map<Long, User> users = new ConcurrentHashMap<>();
  private final Map<Long, List<Post>> posts = new ConcurrentHashMap<>();
  private final Map<Long, Team> teams = new ConcurrentHashMap<>();
  private final AtomicLong nextPostId = new AtomicLong(1000);

  /** A repository holding two teams of users, each user with a few posts. */
  static SlowRepository withSampleData() {
    SlowRepository repository = new SlowRepository();
    repository.teams.put(7L, new Team(7, "Compilers", List.of(42L, 43L, 44L)));
    repository.users.put(42L, new User(42, "Ada Lovelace", 7));
    repository.users.put(43L, new User(43, "Grace Hopper", 7));
    repository.users.put(44L, new User(44, "Alan Turing", 7));
    repository.insertPost(42, "Notes on the Analytical Engine");
    repository.insertPost(43, "The first compiler");
    repository.insertPost(43, "Nanoseconds, explained with wire");
    repository.insertPost(44, "On computable numbers");
    repository.teams.put(8L, new Team(8, "Data", List.of(45L, 46L)));
    repository.users.put(45L, new User(45, "Edgar Codd", 8));
    repository.users.put(46L, new User(46, "Frances Allen", 8));
    repository.insertPost(45, "A relational model of data");
    repository.insertPost(46, "Program optimization");
    return repository;
  }

  User findUser(long id) {
    query();
    User user = users.get(id);
    if (user == null) {
      throw new NoSuchElementException("no user " + id);
    }
    return user;
  }

  List<Post> findPostsBy(long authorId) {
    query();
    return List.copyOf(posts.getOrDefault(authorId, List.of()));
  }

  @Override
  public Team selectTeam(long id) {
    query();
    Team team = teams.get(id);
    if (team == null) {
      throw new NoSuchElementException("no team " + id);
    }
    return team;
  }

  @Override
  public Team updateTeamName(long id, String name) {
    query();
    Team renamed =
        teams.computeIfPresent(id, (key, team) -> new Team(team.id(), name, team.memberIds()));
    if (renamed == null) {
      throw new NoSuchElementException("no team " + id);
    }
    return renamed;
  }

  User rename(long id, String name) {
    query();
    User renamed =
        users.computeIfPresent(id, (key, user) -> new User(user.id(), name, user.teamId()));
    if (renamed == null) {
      throw new NoSuchElementException("no user " + id);
    }
    return renamed;
  }

  Post addPost(long authorId, String title) {
    query();
    if (!users.containsKey(authorId)) {
      throw new NoSuchElementException("no user " + authorId);
    }
    return insertPost(authorId, title);
  }

  /** Starts counting this thread's queries from zero. */
  static void resetQueryCount() {
    TALLY.set(new Tally());
  }

  /** The queries this thread made since {@link #resetQueryCount()}. */
  static int queryCount() {
    return TALLY.get().queries.intValue();
  }

  /** How long the queries counted by {@link #queryCount()} took, added up. */
  static long queryMillis() {
    return TALLY.get().millis.get();
  }

  /**
   * An executor that runs each task on {@code executor} with its queries counted for the thread
   * that submitted it, as if that thread had made them.
   */
  static Executor countingForSubmitter(Executor executor) {
    return task -> {
      Tally submitter = TALLY.get();
      executor.execute(
          () -> {
            Tally own = TALLY.get();
            TALLY.set(submitter);
            try {
              task.run();
            } finally {
              TALLY.set(own);
            }
          });
    };
  }

  private Post insertPost(long authorId, String title) {
    Post post = new Post(nextPostId.incrementAndGet(), authorId, title);
    posts.compute(
        authorId,
        (key, old) -> {
          List<Post> updated = old == null ? new ArrayList<>() : new ArrayList<>(old);
          updated.add(post);
          return List.copyOf(updated);
        });
    return post;
  }

  private static void query() {
    long millis = ThreadLocalRandom.current().nextLong(30, 51);
    Tally tally = TALLY.get();
    tally.queries.incrementAndGet();
    tally.millis.addAndGet(millis);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during a query", e);
    }
  }

  /** The queries of one request; threads working for it add to it concurrently. */
  private static final class Tally {
    final AtomicInteger queries = new AtomicInteger();
    final AtomicLong millis = new AtomicLong();
  }
}
