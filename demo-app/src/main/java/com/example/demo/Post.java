package com.example.demo;

import java.io.Serializable;

/** A post written by a user. */
record Post(long id, long authorId, String title) implements Serializable {
  String toJson() {
    return "{\"id\":" + id + ",\"authorId\":" + authorId + ",\"title\":" + Json.quote(title) + "}";
  }
}
