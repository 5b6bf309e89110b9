package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.UserService;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the manager's MBean says while its Redis is down. */
class JmxOutageTest {
  @TempDir Path spool;

  @Test
  void storeAvailableAndPendingInvalidationsDuringAnOutage() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    AgentMain.Installation installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.redis.url", "redis://127.0.0.1:" + port + "/0",
                "depcache.prefix", AgentTestSupport.uniquePrefix(),
                "depcache.spool-dir", spool.toString()));
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName manager = new ObjectName("io.depcache:type=CacheManager,name=\"default\"");
      Calls.reset();
      UserService users = new UserService();
      users.user(1); // the lookup fails: the call runs uncached, the circuit opens
      assertThat(Calls.count("user")).isEqualTo(1);
      assertThat(DepCache.manager().invalidateDependency("user:1")).isZero(); // waits for Redis
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!server.isRegistered(manager)) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(server.getAttribute(manager, "StoreAvailable")).isEqualTo(false);
      assertThat(server.getAttribute(manager, "PendingInvalidations")).isEqualTo(1L);
      assertThat((Long) server.getAttribute(manager, "Errors")).isPositive();
    } finally {
      installation.uninstall();
    }
  }
}
