package com.example.demo;

import java.io.Serializable;

/** A user of the demo service; cached entries hold it, so it is serializable. */
record User(long id, String name, long teamId) implements Serializable {
  String toJson() {
    return "{\"id\":" + id + ",\"name\":" + Json.quote(name) + ",\"teamId\":" + teamId + "}";
  }
}
