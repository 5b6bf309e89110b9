package com.example.legacy;

/** A legacy repository interface; {@code com.example.legacy.Repo+} matches its implementations. */
public interface Repo {
  String find(long id);
}
