package com.example.legacy;

/** A {@link Repo} implemented directly. */
public class ItemRepo implements Repo {
  @Override
  public String find(long id) {
    Counter.ran("item.find");
    return "item" + id;
  }

  public String findNothing() {
    Counter.ran("item.findNothing");
    return "nothing";
  }
}
