package io.depcache.demo;

/** Placeholder until the demo issue: the demo service arrives with {@code scripts/demo.sh}. */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) {
    System.out.println("depcache demo: not built yet (see the demo issue); run scripts/test.sh");
  }
}
