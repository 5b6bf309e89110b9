package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AllowListTest {
  private final AllowList list = new AllowList();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang.String",
        "java.lang.Integer",
        "java.lang.Number",
        "java.lang.Enum",
        "java.math.BigDecimal",
        "java.util.ArrayList",
        "java.util.HashMap",
        "java.util.CollSer",
        "java.util.ImmutableCollections$ListN",
        "java.util.Collections$UnmodifiableRandomAccessList",
        "java.util.Arrays$ArrayList",
        "java.util.concurrent.ConcurrentHashMap",
        "java.time.Ser",
        "java.time.Instant",
        "java.time.zone.ZoneRules",
        "java.util.UUID",
        "java.net.URI",
        "[I",
        "[[J",
        "[Ljava.lang.String;",
        "[[Ljava.util.Map$Entry;"
      })
  void permitsJdkValueTypesAndCollections(String className) {
    assertThat(list.permits(className)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "com.example.Dto",
        "[Lcom.example.Dto;",
        "java.net.URL",
        "java.lang.Runtime",
        "java.lang.ProcessBuilder",
        "java.lang.Throwable",
        "java.lang.IllegalStateException",
        "java.lang.reflect.Proxy",
        "javax.management.BadAttributeValueExpException",
        "java.util.Scanner",
        "java.util.concurrent.ThreadPoolExecutor",
        "[X",
        ""
      })
  void rejectsEverythingElseByDefault(String className) {
    assertThat(list.permits(className)).isFalse();
  }

  @Test
  void exactPatternPermitsThatClassOnly() {
    list.allow("com.example.Dto");

    assertThat(list.permits("com.example.Dto")).isTrue();
    assertThat(list.permits("[[Lcom.example.Dto;")).isTrue();
    assertThat(list.permits("com.example.Dto2")).isFalse();
    assertThat(list.permits("com.example.Dto$Inner")).isFalse();
    assertThat(list.permits("com.example.Other")).isFalse();
  }

  @Test
  void nestedClassCanBeAllowedExactly() {
    list.allow("com.example.Outer$Inner");

    assertThat(list.permits("com.example.Outer$Inner")).isTrue();
    assertThat(list.permits("com.example.Outer")).isFalse();
  }

  @Test
  void singleStarPermitsClassesDirectlyInThePackage() {
    list.allow("com.example.*");

    assertThat(list.permits("com.example.Dto")).isTrue();
    assertThat(list.permits("com.example.Outer$Inner")).isTrue();
    assertThat(list.permits("com.example.sub.Dto")).isFalse();
    assertThat(list.permits("com.examplex.Dto")).isFalse();
    assertThat(list.permits("com.Dto")).isFalse();
  }

  @Test
  void doubleStarPermitsThePackageAndItsSubpackages() {
    list.allow("com.example.**");

    assertThat(list.permits("com.example.Dto")).isTrue();
    assertThat(list.permits("com.example.sub.deep.Dto")).isTrue();
    assertThat(list.permits("com.examplex.Dto")).isFalse();
    assertThat(list.permits("com.example")).isFalse();
    assertThat(list.permits("org.example.Dto")).isFalse();
  }

  @Test
  void surroundingWhiteSpaceIsIgnoredAndRepeatsChangeNothing() {
    assertThat(list.allow("  com.example.*\t")).isTrue();
    assertThat(list.allow("com.example.*")).isFalse();

    assertThat(list.permits("com.example.Dto")).isTrue();
    assertThat(list.patterns()).containsExactly("com.example.*");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ",
        "*",
        "**",
        ".**",
        "com.*.Dto",
        "com..Dto",
        "com.example.",
        ".com.example",
        "com.example.***",
        "com.example*",
        "com example.Dto",
        "com.example.Dto;",
        "1com.Dto"
      })
  void malformedPatternIsRefusedWithTheExpectedForms(String pattern) {
    assertThatThrownBy(() -> list.allow(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + pattern + "'")
        .hasMessageContaining("com.example.Dto")
        .hasMessageContaining("com.example.*")
        .hasMessageContaining("com.example.**");
    assertThat(list.patterns()).isEmpty();
  }

  @Test
  void allowPackageOfPermitsThatPackageOnly() {
    assertThat(list.allowPackageOf("com.example.model.User")).isTrue();

    assertThat(list.permits("com.example.model.Address")).isTrue();
    assertThat(list.permits("com.example.model.sub.Thing")).isFalse();
    assertThat(list.permits("com.example.Other")).isFalse();
    assertThat(list.allowPackageOf("com.example.model.Address")).isFalse();
  }

  @Test
  void allowPackageOfUnwrapsArraysAndIgnoresPrimitivesAndTheJdk() {
    assertThat(list.allowPackageOf("[[Lcom.acme.Order;")).isTrue();
    assertThat(list.allowPackageOf("int")).isFalse();
    assertThat(list.allowPackageOf("[J")).isFalse();
    assertThat(list.allowPackageOf("java.util.Scanner")).isFalse();
    assertThat(list.allowPackageOf("javax.management.BadAttributeValueExpException")).isFalse();

    assertThat(list.permits("com.acme.Invoice")).isTrue();
    assertThat(list.permits("java.util.Scanner")).isFalse();
    assertThat(list.permits("javax.management.Attribute")).isFalse();
  }

  @Test
  void classInTheUnnamedPackageIsAllowedAlone() {
    list.allowPackageOf("Dto");

    assertThat(list.permits("Dto")).isTrue();
    assertThat(list.permits("Other")).isFalse();
  }

  @Test
  void theUnnamedPackageCanBeAllowedWithoutAllowingAnythingElse() {
    assertThat(list.allowUnnamedPackage()).isTrue();

    assertThat(list.permits("Dto")).isTrue();
    assertThat(list.permits("UserService$UserProfile")).isTrue();
    assertThat(list.permits("[LDto;")).isTrue();
    assertThat(list.permits("com.acme.Dto")).isFalse();
    assertThat(list.patterns()).containsExactly("(unnamed package).*");
  }

  @Test
  void filterRejectsUnknownClassesInsteadOfLeavingThemUndecided() {
    ObjectInputFilter filter = list.filter();

    assertThat(filter.checkInput(Info.of(Thread.class))).isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(Info.of(Thread[].class))).isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(Info.of(Info.class))).isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(Info.of(String.class))).isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(Info.of(long[][].class))).isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(Info.of(null))).isEqualTo(Status.ALLOWED);
  }

  @Test
  void filterSeesPatternsAddedLater() {
    ObjectInputFilter filter = list.filter();
    assertThat(filter.checkInput(Info.of(Info.class))).isEqualTo(Status.REJECTED);

    list.allow("io.depcache.agent.**");

    assertThat(filter.checkInput(Info.of(Info.class))).isEqualTo(Status.ALLOWED);
  }

  @Test
  void filterEnforcesLimits() {
    ObjectInputFilter filter = list.filter();

    assertThat(filter.checkInput(new Info(String.class, -1, 64, 1_000_000, 64 << 20)))
        .isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(String.class, -1, 65, 1, 1))).isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(new Info(null, -1, 1, 1_000_001, 1))).isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(new Info(null, -1, 1, 1, (64 << 20) + 1)))
        .isEqualTo(Status.REJECTED);
    assertThat(filter.checkInput(new Info(int[].class, 10_000_000, 1, 1, 1)))
        .isEqualTo(Status.ALLOWED);
    assertThat(filter.checkInput(new Info(int[].class, 10_000_001, 1, 1, 1)))
        .isEqualTo(Status.REJECTED);
  }

  @Test
  void rejectionNamesTheClassAndTheSetting() {
    assertThat(list.rejection(Info.of(Thread[].class)))
        .isEqualTo(
            "class java.lang.Thread is not allowed for deserialization; add it (or a pattern"
                + " such as java.lang.**) to depcache.serializer.allow");
  }

  @Test
  void concurrentAdditionsAreAllKept() throws Exception {
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    list.allow("p" + id + ".c" + i + ".**");
                    list.permits("p" + id + ".c" + i + ".X");
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(list.patterns()).hasSize(threads * perThread);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertThat(list.permits("p" + t + ".c" + i + ".sub.X")).isTrue();
      }
    }
  }

  /** What the stream tells a filter, built by hand. */
  record Info(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
      implements ObjectInputFilter.FilterInfo {
    static Info of(Class<?> type) {
      return new Info(type, type != null && type.isArray() ? 1 : -1, 1, 1, 100);
    }
  }
}
