package com.example.legacy;

/** A {@link Repo} two levels down. */
public class OrderRepo extends AbstractRepo {
  @Override
  public String find(long id) {
    Counter.ran("order.find");
    return "order" + id;
  }
}
