package com.example.demo;

import java.io.Serializable;
import java.util.List;

/**
 * A team and the ids of its members. Public because the legacy {@code TeamDirectory} returns it.
 */
public record Team(long id, String name, List<Long> memberIds) implements Serializable {
  public Team {
    memberIds = List.copyOf(memberIds);
  }

  String toJson() {
    return "{\"id\":" + id + ",\"name\":" + Json.quote(name) + ",\"members\":" + memberIds + "}";
  }
}
