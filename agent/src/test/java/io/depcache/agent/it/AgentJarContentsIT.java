package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The packaged agent jar: everything it carries is relocated, and it says what it is. */
class AgentJarContentsIT {
  @Test
  void everyClassIsTheAgentsOwnOrRelocated() throws IOException {
    try (JarFile jar = new JarFile(ItSettings.agentJar())) {
      List<String> names = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
      assertThat(names.stream().filter(n -> n.endsWith(".class")))
          .isNotEmpty()
          .allMatch(n -> n.startsWith("io/depcache/agent/"), "under io/depcache/agent/");
      assertThat(names.stream().filter(n -> n.startsWith("io/depcache/agent/shaded/")))
          .anyMatch(n -> n.startsWith("io/depcache/agent/shaded/net/bytebuddy/"))
          .anyMatch(n -> n.startsWith("io/depcache/agent/shaded/redis/clients/"))
          .anyMatch(n -> n.startsWith("io/depcache/agent/shaded/com/esotericsoftware/kryo/"))
          .anyMatch(n -> n.startsWith("io/depcache/agent/shaded/org/objenesis/"))
          .anyMatch(n -> n.startsWith("io/depcache/agent/shaded/com/github/benmanes/caffeine/"));
      // the kryo serializer never touches sun.misc.Unsafe and generates no accessor classes
      assertThat(names)
          .noneMatch(n -> n.contains("/kryo/unsafe/"))
          .noneMatch(n -> n.contains("/objenesis/instantiator/util/UnsafeUtils"))
          .noneMatch(n -> n.contains("/objenesis/instantiator/sun/UnsafeFactoryInstantiator"))
          .noneMatch(n -> n.contains("/reflectasm/"));
      // multi-release entries are not relocated by the shade plugin: none may be left
      assertThat(names).noneMatch(n -> n.startsWith("META-INF/versions/"));
      assertThat(names).contains("META-INF/depcache/bootstrap.jar", "META-INF/depcache/bridge.jar");
      assertThat(jar.getManifest().getMainAttributes().getValue("Premain-Class"))
          .isEqualTo("io.depcache.agent.DepCacheAgent");
      assertThat(jar.getManifest().getMainAttributes().getValue("Agent-Class"))
          .isEqualTo("io.depcache.agent.DepCacheAgent");
    }
  }

  @Test
  void theBridgeJarHoldsTheBridgeAloneAndTheBootstrapJarTheApiBeside() throws IOException {
    try (JarFile jar = new JarFile(ItSettings.agentJar())) {
      List<String> bridge = nested(jar, "META-INF/depcache/bridge.jar");
      List<String> bootstrap = nested(jar, "META-INF/depcache/bootstrap.jar");
      assertThat(bridge.stream().filter(n -> n.endsWith(".class")))
          .isNotEmpty()
          .allMatch(n -> n.startsWith("io/depcache/bridge/"));
      assertThat(bootstrap)
          .contains("io/depcache/DepCache.class", "io/depcache/bridge/Bridge.class")
          .noneMatch(n -> n.startsWith("io/depcache/agent/"));
    }
  }

  private static List<String> nested(JarFile jar, String entry) throws IOException {
    try (java.util.zip.ZipInputStream in =
        new java.util.zip.ZipInputStream(jar.getInputStream(jar.getEntry(entry)))) {
      List<String> names = new java.util.ArrayList<>();
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
      return names;
    }
  }
}
