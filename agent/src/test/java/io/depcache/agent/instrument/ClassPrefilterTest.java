package io.depcache.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.MethodPattern;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassPrefilterTest {
  private final ClassLoader loader = getClass().getClassLoader();
  private final ClassPrefilter annotationsOnly = new ClassPrefilter(List.of());

  private byte[] bytes(Class<?> type) throws IOException {
    try (InputStream in = loader.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private boolean passes(ClassPrefilter filter, Class<?> type) throws IOException {
    return filter.mayMatch(loader, type.getName().replace('.', '/'), bytes(type));
  }

  @Test
  void aClassWithAnAnnotatedMethodPasses() throws IOException {
    assertThat(passes(annotationsOnly, com.example.fixtures.UserService.class)).isTrue();
    assertThat(passes(annotationsOnly, com.example.fixtures.Catalogue.class)).isTrue();
  }

  @Test
  void aClassThatInheritsAnAnnotationPassesThroughEveryLevel() throws IOException {
    // ShopCatalogue extends AbstractCatalogue implements Catalogue, whose methods are annotated
    assertThat(ClassHeader.read(bytes(com.example.fixtures.ShopCatalogue.class)).annotated())
        .isFalse();
    assertThat(passes(annotationsOnly, com.example.fixtures.ShopCatalogue.class)).isTrue();
    assertThat(passes(annotationsOnly, com.example.fixtures.NameRepository.class)).isTrue();
  }

  @Test
  void classesWithNothingToInstrumentAreRejected() throws IOException {
    assertThat(passes(annotationsOnly, com.example.legacy.Unrelated.class)).isFalse();
    assertThat(passes(annotationsOnly, com.example.legacy.UserDao.class)).isFalse();
    assertThat(passes(annotationsOnly, com.example.fixtures.Team.class)).isFalse();
    assertThat(annotationsOnly.mayMatch(loader, "java/lang/String", bytes(String.class))).isFalse();
    assertThat(annotationsOnly.mayMatch(loader, null, new byte[0])).isFalse();
  }

  @Test
  void configuredPatternsPassTheTypesTheyName() throws IOException {
    ClassPrefilter filter =
        new ClassPrefilter(
            List.of(
                MethodPattern.parse("com.example.legacy.*Dao#find*(..)"),
                MethodPattern.parse("com.example.legacy.Repo+#load()")));
    assertThat(passes(filter, com.example.legacy.UserDao.class)).isTrue();
    assertThat(passes(filter, com.example.legacy.ItemRepo.class)).isTrue();
    // OrderRepo extends AbstractRepo implements Repo: two levels up
    assertThat(passes(filter, com.example.legacy.OrderRepo.class)).isTrue();
    assertThat(passes(filter, com.example.legacy.Unrelated.class)).isFalse();
  }

  @Test
  void theFacadeAlwaysPassesAndWhatCannotBeReadIsLeftToByteBuddy() {
    assertThat(annotationsOnly.mayMatch(loader, "io/depcache/DepCache", new byte[0])).isTrue();
    assertThat(annotationsOnly.mayMatch(loader, "com/example/Broken", new byte[] {1, 2, 3}))
        .isTrue();
  }

  @Test
  void theHeaderNamesTheAnnotationsTheSuperclassAndTheInterfaces() throws IOException {
    assertThat(ClassHeader.read(bytes(com.example.fixtures.UserService.class)).annotated())
        .isTrue();
    assertThat(ClassHeader.read(bytes(com.example.fixtures.Team.class)).isFinal()).isTrue();
    assertThat(ClassHeader.read(bytes(com.example.legacy.ItemRepo.class)).isFinal()).isFalse();
    assertThat(ClassHeader.read(bytes(com.example.legacy.ItemRepo.class)).supertypes())
        .containsExactly("java/lang/Object", "com/example/legacy/Repo");
    assertThat(ClassHeader.read(bytes(com.example.fixtures.ShopCatalogue.class)).supertypes())
        .containsExactly("com/example/fixtures/AbstractCatalogue");
    assertThat(ClassHeader.read(bytes(Object.class)).supertypes()).isEmpty();
  }
}
