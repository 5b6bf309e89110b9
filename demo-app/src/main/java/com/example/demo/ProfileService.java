package com.example.demo;

import io.depcache.CallContext;
import io.depcache.DepCache;
import io.depcache.DepCached;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * User profiles, computed asynchronously: the user and their posts are queried at the same time on
 * an executor, so a miss takes about as long as the slower query, not both.
 *
 * <p>depcache caches the completed value of the future: a hit returns an already-completed future
 * and runs no query. The profile depends on {@code user:<id>}, declared by the annotation on the
 * calling thread, and on {@code posts:<id>}, declared by the posts query on the executor's thread
 * through the call's {@link CallContext}: a rename and a new post both invalidate it.
 */
public class ProfileService {
  private final SlowRepository repository;
  private final Executor executor;

  ProfileService(SlowRepository repository, Executor executor) {
    this.repository = repository;
    this.executor = executor;
  }

  /** The profile of one user; the future fails with {@code NoSuchElementException} for none. */
  @DepCached(ttl = 300, dependencies = "user:{0}")
  public CompletableFuture<Profile> profile(long userId) {
    // Taken on the calling thread, where the call is current; the handle works from any thread.
    CallContext call = DepCache.currentContext();
    CompletableFuture<User> user =
        CompletableFuture.supplyAsync(() -> repository.findUser(userId), executor);
    CompletableFuture<List<Post>> posts =
        CompletableFuture.supplyAsync(
            () -> {
              call.addDependency("posts:" + userId);
              return repository.findPostsBy(userId);
            },
            executor);
    return user.thenCombine(posts, Profile::new);
  }
}
