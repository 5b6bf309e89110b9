package com.example.demo;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/** What a team's dashboard shows: each member with their number of posts and latest title. */
record Dashboard(long teamId, String teamName, List<Member> members) implements Serializable {
  Dashboard {
    members = List.copyOf(members);
  }

  /** One line of the dashboard. */
  record Member(User user, int posts, String latestPost) implements Serializable {}

  String toJson() {
    String lines =
        members.stream()
            .map(
                m ->
                    "{\"user\":"
                        + m.user().toJson()
                        + ",\"posts\":"
                        + m.posts()
                        + ",\"latestPost\":"
                        + Json.quote(m.latestPost())
                        + "}")
            .collect(Collectors.joining(","));
    return "{\"teamId\":"
        + teamId
        + ",\"team\":"
        + Json.quote(teamName)
        + ",\"members\":["
        + lines
        + "]}";
  }
}
