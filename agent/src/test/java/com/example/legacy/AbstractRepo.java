package com.example.legacy;

/** A base class between {@link Repo} and an implementation. */
public abstract class AbstractRepo implements Repo {
  @Override
  public abstract String find(long id);

  public String findAll() {
    Counter.ran("findAll");
    return "all";
  }
}
