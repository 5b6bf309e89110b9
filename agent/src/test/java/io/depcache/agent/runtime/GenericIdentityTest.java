package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Catalog;
import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.DepCached;
import io.depcache.agent.AgentMain;
import io.depcache.testing.TestRedis;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic return type is part of an entry's identity: a deploy that changes {@code List<Long>
 * ids()} into {@code List<Integer> ids()} gives the method other keys, so the new version never
 * finds the old version's entries (and never fails on their elements), while the keys of methods
 * whose return type is not generic stay as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenericIdentityTest {
  private static final String DEPLOYED =
      """
      package gen;

      import io.depcache.DepCache;
      import io.depcache.DepCached;
      import java.util.ArrayList;
      import java.util.List;

      public class Ids {
        public static volatile String lastKey;
        public static volatile int runs;

        @DepCached
        public List<ELEMENT> ids(int count) {
          runs++;
          lastKey = DepCache.currentCacheKey();
          List<ELEMENT> ids = new ArrayList<>();
          for (int i = 1; i <= count; i++) {
            ids.add((ELEMENT) (PRIMITIVE) i);
          }
          return ids;
        }

        /** Reads the cached list as this version's callers do. */
        public long sum(int count) {
          long sum = 0;
          for (ELEMENT id : ids(count)) {
            sum += id;
          }
          return sum;
        }
      }
      """;

  private final String prefix = AgentTestSupport.uniquePrefix();
  private final List<CacheEvent> errors = new CopyOnWriteArrayList<>();
  private final CacheEventListener onError = errors::add;
  private AgentMain.Installation installation;
  private CacheManager manager;
  @TempDir Path dir;

  @BeforeEach
  void setUp() {
    if (installation == null) {
      installation =
          AgentTestSupport.install(
              Map.of("depcache.redis.url", TestRedis.url(), "depcache.prefix", prefix));
    }
    manager = DepCache.manager();
    manager.clear();
    manager.events().on(CacheEventType.ERROR, onError);
    Calls.reset();
  }

  @AfterEach
  void removeListener() {
    manager.events().off(CacheEventType.ERROR, onError);
    errors.clear();
  }

  @AfterAll
  void tearDown() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  @Test
  void aDeployThatChangesTheGenericReturnTypeNeverSeesTheOldEntries() throws Exception {
    Deployed before = deploy("v1", "Long", "long");
    assertThat(before.sum(3)).isEqualTo(6);
    assertThat(before.sum(3)).isEqualTo(6);
    assertThat(before.runs()).as("the first version's second call is a hit").isEqualTo(1);

    Deployed after = deploy("v2", "Integer", "int");
    assertThat(after.sum(3)).isEqualTo(6);
    assertThat(after.runs()).as("the new version computes: the old entry is not its").isEqualTo(1);
    assertThat(after.lastKey()).isNotEqualTo(before.lastKey());
    assertThat(after.sum(3)).isEqualTo(6);
    assertThat(after.runs()).as("and caches under its own key").isEqualTo(1);
    assertThat(errors).as("no entry was found unfit: none was even looked at").isEmpty();

    assertThat(before.lastKey()).isEqualTo("gen.Ids#ids~c3c5c78d(3)");
    assertThat(after.lastKey()).isEqualTo("gen.Ids#ids~28185f0e(3)");
    assertThat(manager.exists(before.lastKey())).isTrue();
    assertThat(manager.exists(after.lastKey())).isTrue();
  }

  @Test
  void aGenericReturnTypeAddsAHashToTheMethodAndOtherKeysStayAsTheyWere() {
    Catalog catalog = new Catalog();
    catalog.item(5);
    assertThat(Catalog.lastKey).isEqualTo("com.example.fixtures.Catalog#item(5)");
    catalog.length("abc");
    assertThat(Catalog.lastKey).isEqualTo("com.example.fixtures.Catalog#length(\"abc\")");
    // SHA-256 of the type's name, so the same in every JVM and after every restart.
    catalog.ids(2);
    assertThat(Catalog.lastKey).isEqualTo("com.example.fixtures.Catalog#ids~c3c5c78d(2)");
    catalog.best("x");
    assertThat(Catalog.lastKey).isEqualTo("com.example.fixtures.Catalog#best~cb5b3517(\"x\")");
  }

  /** One version of {@code gen.Ids}, compiled and loaded in a class loader of its own. */
  private record Deployed(Class<?> type, Object instance) {
    long sum(int count) throws ReflectiveOperationException {
      return (long) type.getMethod("sum", int.class).invoke(instance, count);
    }

    int runs() throws ReflectiveOperationException {
      return type.getField("runs").getInt(null);
    }

    String lastKey() throws ReflectiveOperationException {
      return (String) type.getField("lastKey").get(null);
    }
  }

  private Deployed deploy(String version, String element, String primitive) throws Exception {
    Path src = dir.resolve(version).resolve("src/gen/Ids.java");
    Path out = dir.resolve(version).resolve("classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(out);
    Files.writeString(src, DEPLOYED.replace("ELEMENT", element).replace("PRIMITIVE", primitive));
    String api =
        Path.of(DepCached.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter problems = new StringWriter();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
      boolean ok =
          compiler
              .getTask(
                  problems,
                  files,
                  null,
                  List.of("-d", out.toString(), "-classpath", api, "-proc:none"),
                  null,
                  files.getJavaFileObjects(src.toFile()))
              .call();
      assertThat(ok).as("compilation of gen.Ids %s: %s", version, problems).isTrue();
    }
    // The parent shares the test's copy of the API; gen.Ids itself is this loader's alone.
    URLClassLoader loader =
        new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
    Class<?> type = Class.forName("gen.Ids", true, loader);
    return new Deployed(type, type.getConstructor().newInstance());
  }
}
