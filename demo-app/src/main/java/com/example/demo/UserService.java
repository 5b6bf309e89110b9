package com.example.demo;

import io.depcache.DepCached;
import io.depcache.Invalidates;
import java.util.List;

/**
 * Users and their posts: reads are cached with a dependency per user, updates invalidate it.
 *
 * <p>The updates say what they invalidate with {@code @Invalidates}: the agent invalidates after
 * the method returns normally, and not when it throws.
 */
public class UserService {
  private final SlowRepository repository;

  UserService(SlowRepository repository) {
    this.repository = repository;
  }

  /** One user: a query on a miss, one Redis round trip on a hit. */
  @DepCached(ttl = 300, dependencies = "user:{0}")
  public User user(long id) {
    return repository.findUser(id);
  }

  /** The posts of one user, oldest first. */
  @DepCached(ttl = 300, dependencies = "posts:{0}")
  public List<Post> posts(long userId) {
    return repository.findPostsBy(userId);
  }

  /** Renames a user; every entry built from that user goes, dashboards included. */
  @Invalidates("user:{0}")
  public User rename(long id, String name) {
    User renamed = repository.rename(id, name);
    return renamed;
  }

  /** Adds a post; the author's post list and every dashboard showing it go. */
  @Invalidates("posts:{0}")
  public Post addPost(long userId, String title) {
    Post post = repository.addPost(userId, title);
    return post;
  }
}
