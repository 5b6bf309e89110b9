package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.Calls;
import com.example.fixtures.UserService;
import io.depcache.DepCache;
import io.depcache.DepCacheException;
import io.depcache.agent.AgentMain;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With {@code depcache.on-error=fail}, a store that cannot be reached fails the call. */
class OnErrorFailTest {
  private static AgentMain.Installation installation;

  @BeforeAll
  static void install() {
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.redis.url", "redis://127.0.0.1:1/0",
                "depcache.on-error", "fail",
                "depcache.prefix", AgentTestSupport.uniquePrefix()));
  }

  @AfterAll
  static void uninstall() {
    installation.uninstall();
  }

  @Test
  void aCachedCallThrowsDepCacheExceptionInsteadOfRunningUncached() {
    Calls.reset();
    assertThatThrownBy(() -> new UserService().user(1))
        .isInstanceOf(DepCacheException.class)
        .hasMessageContaining("get");
    assertThat(Calls.count("user")).isZero();
  }

  @Test
  void manualOperationsThrow() {
    assertThatThrownBy(() -> DepCache.manager().invalidateDependency("user:1"))
        .isInstanceOf(DepCacheException.class)
        .hasMessageContaining("invalidate");
    assertThatThrownBy(() -> DepCache.manager().getOrCompute("k", 60, () -> "v"))
        .isInstanceOf(DepCacheException.class);
  }
}
