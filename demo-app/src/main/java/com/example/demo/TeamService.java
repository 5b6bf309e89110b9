package com.example.demo;

import com.example.demo.legacy.TeamDirectory;
import io.depcache.DepCached;
import java.util.ArrayList;
import java.util.List;

/**
 * Team dashboards, built from cached users and posts.
 *
 * <p>The dashboard declares only {@code team:<id>}; it inherits {@code user:<id>} and {@code
 * posts:<id>} of every member from the nested cached calls, whether those hit or missed. Renaming
 * one member therefore invalidates the dashboard too, with no code here that knows about it.
 *
 * <p>The team itself comes from the legacy {@link TeamDirectory}, which {@code depcache.properties}
 * caches with {@code team:<id>}: a fourth nested cached call.
 */
public class TeamService {
  private final TeamDirectory directory;
  private final UserService users;

  TeamService(TeamDirectory directory, UserService users) {
    this.directory = directory;
    this.users = users;
  }

  /** The dashboard of one team: its name, and each member with their posts. */
  @DepCached(ttl = 300, dependencies = "team:{0}")
  public Dashboard dashboard(long teamId) {
    Team team = directory.find(teamId);
    List<Dashboard.Member> members = new ArrayList<>();
    for (long memberId : team.memberIds()) {
      User user = users.user(memberId);
      List<Post> posts = users.posts(memberId);
      String latest = posts.isEmpty() ? null : posts.get(posts.size() - 1).title();
      members.add(new Dashboard.Member(user, posts.size(), latest));
    }
    return new Dashboard(team.id(), team.name(), members);
  }
}
