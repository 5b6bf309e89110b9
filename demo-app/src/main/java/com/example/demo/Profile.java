package com.example.demo;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/** A user with their posts, oldest first: what {@code /users/{id}/profile} shows. */
record Profile(User user, List<Post> posts) implements Serializable {
  Profile {
    posts = List.copyOf(posts);
  }

  String toJson() {
    return "{\"user\":"
        + user.toJson()
        + ",\"posts\":"
        + posts.stream().map(Post::toJson).collect(Collectors.joining(",", "[", "]"))
        + "}";
  }
}
