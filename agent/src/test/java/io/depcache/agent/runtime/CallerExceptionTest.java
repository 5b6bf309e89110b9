package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.DepCacheException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Under {@code on-error=fail} a cached method of a web application with its own copy of the API
 * throws that copy's {@code DepCacheException}, so that the application's {@code catch} matches.
 */
class CallerExceptionTest {
  @Test
  void aClassOfALoaderWithItsOwnApiGetsItsOwnExceptionWithTheSameCauseAndStack() throws Exception {
    URL api = DepCacheException.class.getProtectionDomain().getCodeSource().getLocation();
    // child-first as a WEB-INF/lib: its parent, the platform loader, has no copy of the API
    try (URLClassLoader application =
        new URLClassLoader(new URL[] {api}, ClassLoader.getPlatformClassLoader())) {
      Class<?> owner = Class.forName("io.depcache.DepCache", false, application);
      assertThat(owner).isNotSameAs(io.depcache.DepCache.class);
      IOException cause = new IOException("connection refused");
      DepCacheException ours = new DepCacheException("the store failed", cause);
      ours.addSuppressed(new IllegalStateException("also"));

      RuntimeException theirs = CallerException.of(ours, owner);

      assertThat(theirs.getClass().getName()).isEqualTo(DepCacheException.class.getName());
      assertThat(theirs.getClass().getClassLoader()).isSameAs(application);
      assertThat(theirs).hasMessage("the store failed").hasCause(cause);
      assertThat(theirs.getStackTrace()).isEqualTo(ours.getStackTrace());
      assertThat(theirs.getSuppressed()).containsExactly(ours.getSuppressed());
    }
  }

  @Test
  void aClassThatSeesTheAgentsApiGetsTheExceptionItself() {
    DepCacheException ours = new DepCacheException("the store failed", null);
    assertThat(CallerException.of(ours, CallerExceptionTest.class)).isSameAs(ours);
    IllegalStateException other = new IllegalStateException("not ours to translate");
    assertThat(CallerException.of(other, CallerExceptionTest.class)).isSameAs(other);
  }
}
