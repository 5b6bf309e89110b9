package com.example.demo.legacy;

import com.example.demo.Team;

/**
 * The team table's data access as an older module of an application might have it: no depcache
 * import, no annotation.
 *
 * <p>It is cached all the same, from {@code demo-app/depcache.properties} alone: the rule {@code
 * depcache.target.teams} caches {@link #find} with the dependency {@code team:<id>}, and {@code
 * depcache.invalidate.team-rename} invalidates that dependency when {@link #rename} returns. Run
 * without that file, both methods simply run as written.
 */
public class TeamDirectory {
  /** The two queries this directory needs; the demo's slow repository answers them. */
  public interface Table {
    /** The team with this id; a slow query. */
    Team selectTeam(long id);

    /** Renames a team and returns it as stored. */
    Team updateTeamName(long id, String name);
  }

  private final Table table;

  public TeamDirectory(Table table) {
    this.table = table;
  }

  /** One team, by id: the slow query runs on every call unless the properties file caches it. */
  public Team find(long id) {
    return table.selectTeam(id);
  }

  /** Renames a team. */
  public Team rename(long id, String name) {
    return table.updateTeamName(id, name);
  }
}
