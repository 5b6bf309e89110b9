package com.example.legacy;

import java.io.Serializable;

/** A legacy value class: a bean with getters, serializable. */
public final class LegacyUser implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long id;
  private final String name;

  public LegacyUser(long id, String name) {
    this.id = id;
    this.name = name;
  }

  public long getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  @Override
  public String toString() {
    return name + "#" + id;
  }
}
