package com.example.demo;

import java.io.Serializable;
import java.util.List;

/** A team and the ids of its members. */
record Team(long id, String name, List<Long> memberIds) implements Serializable {
  Team {
    memberIds = List.copyOf(memberIds);
  }
}
