package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.CountedKeys;
import com.example.fixtures.UserService;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MBeans of API.md "Monitoring", read through the platform MBean server as jconsole reads them,
 * after exact numbers of hits and misses of the real agent installed into this JVM.
 */
class JmxTest {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
  private static final String METHOD = "com.example.fixtures.UserService#user(long)";

  private AgentMain.Installation installation;
  private UserService users;

  @BeforeEach
  void install() {
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.backend", "memory", "depcache.prefix", AgentTestSupport.uniquePrefix()));
    Calls.reset();
    users = new UserService();
  }

  @AfterEach
  void uninstall() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  private static ObjectName manager() throws Exception {
    return new ObjectName("io.depcache:type=CacheManager,name=\"default\"");
  }

  private static ObjectName method() throws Exception {
    return new ObjectName(
        "io.depcache:type=CachedMethod,manager=\"default\",method=" + ObjectName.quote(METHOD));
  }

  private static void awaitRegistered(ObjectName name) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!SERVER.isRegistered(name)) {
      assertThat(System.nanoTime()).as(name + " registered").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static Object get(ObjectName name, String attribute) throws Exception {
    return SERVER.getAttribute(name, attribute);
  }

  @Test
  void countersAfterExactHitsAndMisses() throws Exception {
    users.user(1); // miss
    users.user(1); // hit
    users.user(1); // hit
    users.user(2); // miss
    users.user(1); // hit
    awaitRegistered(manager());
    awaitRegistered(method());
    assertThat(get(manager(), "Hits")).isEqualTo(3L);
    assertThat(get(manager(), "NearHits")).isEqualTo(0L); // no near cache: every hit is the store's
    assertThat(get(manager(), "Misses")).isEqualTo(2L);
    assertThat(get(manager(), "Sets")).isEqualTo(2L);
    assertThat(get(manager(), "Errors")).isEqualTo(0L);
    assertThat(get(manager(), "HitRatio")).isEqualTo(0.6);
    assertThat(get(manager(), "StoreAvailable")).isEqualTo(true);
    assertThat(get(manager(), "PendingInvalidations")).isEqualTo(0L);
    assertThat(get(method(), "Hits")).isEqualTo(3L);
    assertThat(get(method(), "NearHits")).isEqualTo(0L);
    assertThat(get(method(), "Misses")).isEqualTo(2L);
    assertThat(get(method(), "Errors")).isEqualTo(0L);
    assertThat(get(method(), "HitRatio")).isEqualTo(0.6);
    assertThat((Double) get(method(), "AverageMissMillis")).isPositive();
    assertThat((Double) get(method(), "AverageHitMicros")).isPositive();
    assertThat(Calls.count("user")).isEqualTo(2);

    // operations: one invalidation removes user(1); a delete removes user(2)
    assertThat(invoke("invalidateDependency", "user:1")).isEqualTo(1L);
    assertThat(invoke("delete", "com.example.fixtures.UserService#user(2)")).isEqualTo(1L);
    assertThat(invoke("delete", "com.example.fixtures.UserService#user(2)")).isEqualTo(0L);
    assertThat(get(manager(), "Invalidations")).isEqualTo(1L);
    assertThat(get(manager(), "Deletes")).isEqualTo(2L);
    assertThat(get(manager(), "EntriesRemoved")).isEqualTo(2L);
    users.user(1);
    assertThat(Calls.count("user")).isEqualTo(3);
    assertThat(SERVER.invoke(manager(), "clear", new Object[0], new String[0])).isEqualTo(1L);
    assertThat(get(manager(), "Clears")).isEqualTo(1L);

    SERVER.invoke(manager(), "resetStats", new Object[0], new String[0]);
    assertThat(get(manager(), "Hits")).isEqualTo(0L);
    assertThat(get(manager(), "Misses")).isEqualTo(0L);
    assertThat(get(manager(), "HitRatio")).isEqualTo(0.0);
  }

  private static Object invoke(String operation, String argument) throws Exception {
    return SERVER.invoke(
        manager(), operation, new Object[] {argument}, new String[] {String.class.getName()});
  }

  @Test
  void enabledTurnsCachingOffAndOn() throws Exception {
    users.user(5);
    users.user(5);
    assertThat(Calls.count("user")).isEqualTo(1);
    awaitRegistered(manager());
    assertThat(get(manager(), "Enabled")).isEqualTo(true);

    SERVER.setAttribute(manager(), new Attribute("Enabled", false));
    assertThat(get(manager(), "Enabled")).isEqualTo(false);
    assertThat(DepCache.manager().exists("com.example.fixtures.UserService#user(5)")).isTrue();
    users.user(5);
    users.user(5);
    assertThat(Calls.count("user")).as("off: every call runs its body").isEqualTo(3);
    assertThat(get(manager(), "Hits")).as("off: no lookup").isEqualTo(1L);

    SERVER.setAttribute(manager(), new Attribute("Enabled", true));
    users.user(5);
    assertThat(Calls.count("user")).as("on again: the stored entry answers").isEqualTo(3);
    assertThat(get(manager(), "Hits")).isEqualTo(2L);
  }

  @Test
  void aManagerTurnedOffRendersNoKey() throws Exception {
    CountedKeys keys = new CountedKeys();
    keys.named(new CountedKeys.Counted("first"), "a", "b", "c");
    assertThat(CountedKeys.RENDERED.get()).as("on: the key is rendered").isPositive();
    awaitRegistered(manager());
    SERVER.setAttribute(manager(), new Attribute("Enabled", false));
    int before = CountedKeys.RENDERED.get();
    keys.named(new CountedKeys.Counted("second"), "a", "b", "c");
    assertThat(Calls.count("named")).isEqualTo(2);
    assertThat(CountedKeys.RENDERED.get())
        .as("off: the agent asks nothing of the arguments")
        .isEqualTo(before);
  }

  @Test
  void everyAttributeAndOperationIsDescribedAndTheMBeansGoWithTheAgent() throws Exception {
    users.user(9);
    awaitRegistered(manager());
    awaitRegistered(method());
    for (ObjectName name : new ObjectName[] {manager(), method()}) {
      MBeanInfo info = SERVER.getMBeanInfo(name);
      for (MBeanAttributeInfo attribute : info.getAttributes()) {
        assertThat(attribute.getDescription())
            .as(attribute.getName())
            .isNotBlank()
            .isNotEqualTo(attribute.getName());
      }
      for (var operation : info.getOperations()) {
        assertThat(operation.getDescription()).isNotEqualTo(operation.getName());
      }
    }
    assertThat(SERVER.getMBeanInfo(manager()).getAttributes())
        .extracting(MBeanAttributeInfo::getName)
        .contains(
            "Hits",
            "Misses",
            "Sets",
            "Deletes",
            "Invalidations",
            "Clears",
            "Errors",
            "EntriesRemoved",
            "HitRatio",
            "Enabled",
            "StoreAvailable",
            "PendingInvalidations");
    assertThat(SERVER.getMBeanInfo(method()).getAttributes())
        .extracting(MBeanAttributeInfo::getName)
        .contains("Hits", "Misses", "Errors", "HitRatio", "AverageMissMillis", "AverageHitMicros");

    installation.uninstall();
    installation = null;
    assertThat(SERVER.isRegistered(manager())).isFalse();
    assertThat(SERVER.isRegistered(method())).isFalse();
  }
}
