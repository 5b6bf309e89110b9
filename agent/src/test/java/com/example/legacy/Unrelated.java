package com.example.legacy;

/** Has a {@code find} method but is no {@link Repo}: {@code Repo+} patterns must not reach it. */
public class Unrelated {
  public String find(long id) {
    Counter.ran("unrelated.find");
    return "unrelated" + id;
  }
}
