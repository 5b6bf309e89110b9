package io.depcache.agent.store;

/**
 * The threads depcache makes for itself. Most are made lazily, by the first call that needs one,
 * which in a servlet container is often a web application's request: a thread made as the JDK makes
 * it by default would keep that application's loader (its context class loader, and the values of
 * its inheritable thread locals) for as long as it lives, so that the application could never be
 * unloaded once undeployed. These inherit no thread locals, take the system class loader as their
 * context, and never keep the JVM from exiting.
 */
public final class AgentThreads {
  private AgentThreads() {}

  /**
   * A daemon thread, not started, that holds no application's loader.
   *
   * @param task what it runs
   * @param name its name, {@code depcache-...}
   */
  public static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(null, task, name, 0, false);
    thread.setDaemon(true);
    thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
    return thread;
  }
}
