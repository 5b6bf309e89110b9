package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.Accounts;
import com.example.fixtures.Calls;
import com.example.fixtures.Catalogue;
import com.example.fixtures.NameRepository;
import com.example.fixtures.Repository;
import com.example.fixtures.ShopCatalogue;
import com.example.fixtures.Team;
import com.example.fixtures.User;
import com.example.legacy.Counter;
import com.example.legacy.ItemRepo;
import com.example.legacy.LegacyUser;
import com.example.legacy.OrderRepo;
import com.example.legacy.Repo;
import com.example.legacy.Unrelated;
import com.example.legacy.UserDao;
import io.depcache.CacheEvent;
import io.depcache.CacheEventType;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.agent.instrument.AgentInstaller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods cached and invalidated by the properties file, by annotations inherited from interfaces
 * and abstract classes, and by {@code @Invalidates}, through the real agent in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetsAndInvalidationTest {
  private static final String RULES =
      String.join(
          "\n",
          "depcache.target.users.method=com.example.legacy.UserDao#find*(..)",
          "depcache.target.users.dependencies=legacy-user:{0}",
          "depcache.target.users.ttl=60",
          "depcache.target.index.method=com.example.legacy.UserDao$Index#lookup(byte[], int)",
          "depcache.target.count.method=com.example.legacy.UserDao#count(int[],java.lang.String[])",
          "depcache.target.repos.method=com.example.legacy.Repo+#find(long)",
          "depcache.target.overlap.method=com.example.fixtures.Accounts#account(..)",
          "depcache.target.overlap.dependencies=other:{0}",
          "depcache.target.badarg.method=com.example.legacy.UserDao#audit(long)",
          "depcache.target.badarg.dependencies=audit:{3}",
          "depcache.invalidate.rename.method=com.example.legacy.UserDao#rename(long, java.lang.String)",
          "depcache.invalidate.rename.dependencies=legacy-user:{0}",
          "depcache.invalidate.create.method=com.example.legacy.UserDao#create",
          "depcache.invalidate.create.dependencies=legacy-user:{result.id}",
          "");

  private AgentMain.Installation installation;
  private final List<CacheEvent> errors = new CopyOnWriteArrayList<>();

  @BeforeAll
  void install(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("depcache.properties");
    Files.writeString(file, RULES, StandardCharsets.UTF_8);
    String before = AgentInstaller.matchStats();
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.backend", "memory",
                "depcache.prefix", AgentTestSupport.uniquePrefix(),
                "depcache.config", file.toString()));
    DepCache.manager().events().on(CacheEventType.ERROR, errors::add);
    // What matching (rules, inheritance) cost when the agent examined every class this JVM had
    // loaded: printed for the record, never asserted (timings are not test material).
    System.out.println(
        "[start-up matching] before install: "
            + before
            + ", after: "
            + AgentInstaller.matchStats());
  }

  @AfterAll
  void uninstall() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  @BeforeEach
  void reset() {
    DepCache.manager().clear();
    Calls.reset();
    Counter.reset();
    errors.clear();
  }

  @Test
  void aMethodNamedByAPatternIsCachedAndARuleInvalidatesIt() {
    UserDao dao = new UserDao();
    assertThat(dao.findUser(1)).isEqualTo("user1");
    assertThat(dao.findUser(1)).isEqualTo("user1");
    assertThat(Counter.count("findUser")).isEqualTo(1);
    assertThat(dao.findByName("ann")).isEqualTo("found:ann");
    assertThat(dao.findByName("ann")).isEqualTo("found:ann");
    assertThat(Counter.count("findByName")).isEqualTo(1);

    dao.rename(1, "renamed");

    assertThat(dao.findUser(1)).isEqualTo("renamed");
    assertThat(Counter.count("findUser")).isEqualTo(2);
    assertThat(DepCache.manager().ttl("com.example.legacy.UserDao#findUser(1)")).isBetween(1L, 60L);
  }

  @Test
  void anInvalidatingMethodThatThrowsInvalidatesNothing() {
    UserDao dao = new UserDao();
    dao.findUser(2);
    assertThatThrownBy(() -> dao.rename(2, "")).isInstanceOf(IllegalArgumentException.class);
    dao.findUser(2);
    assertThat(Counter.count("findUser")).isEqualTo(1);
  }

  @Test
  void resultTemplatesInvalidateWhatACreateMethodReturns() {
    UserDao dao = new UserDao();
    LegacyUser next = new LegacyUser(0, "probe");
    // The id create() will hand out is not known in advance: cache a range of candidates.
    for (long id = 1001; id <= 1100; id++) {
      dao.findUser(id);
    }
    LegacyUser created = dao.create("zoe");
    assertThat(created.getId()).isBetween(1001L, 1100L);
    assertThat(dao.findUser(created.getId())).isEqualTo("zoe");
    assertThat(next.getName()).isEqualTo("probe");
  }

  @Test
  void nestedClassesArraysAndPrimitivesAreMatchedByBinaryName() {
    UserDao.Index index = new UserDao.Index();
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    assertThat(index.lookup(key, 2)).isEqualTo("k@2");
    assertThat(index.lookup(key, 2)).isEqualTo("k@2");
    assertThat(Counter.count("lookup")).isEqualTo(1);
    UserDao dao = new UserDao();
    assertThat(dao.count(new int[] {1, 2}, new String[] {"a"})).isEqualTo(3);
    assertThat(dao.count(new int[] {1, 2}, new String[] {"a"})).isEqualTo(3);
    assertThat(Counter.count("count")).isEqualTo(1);
  }

  @Test
  void aPlusPatternMatchesEverySubtypeAndNothingElse() {
    Repo orders = new OrderRepo();
    Repo items = new ItemRepo();
    orders.find(1);
    orders.find(1);
    items.find(1);
    items.find(1);
    new ItemRepo().findNothing();
    new ItemRepo().findNothing();
    new Unrelated().find(1);
    new Unrelated().find(1);
    assertThat(Counter.count("order.find")).isEqualTo(1);
    assertThat(Counter.count("item.find")).isEqualTo(1);
    assertThat(Counter.count("item.findNothing")).isEqualTo(2);
    assertThat(Counter.count("unrelated.find")).isEqualTo(2);
    assertThat(new OrderRepo().findAll()).isEqualTo("all"); // find*(..) was not asked for
    new OrderRepo().findAll();
    assertThat(Counter.count("findAll")).isEqualTo(2);
  }

  @Test
  void aTemplateNamingAMissingArgumentLeavesThatMethodUncached() {
    UserDao dao = new UserDao();
    dao.audit(1);
    dao.audit(1);
    assertThat(Counter.count("audit")).isEqualTo(2);
  }

  @Test
  void whenAnAnnotationAndAPatternBothMatchTheAnnotationWins() {
    Accounts accounts = new Accounts();
    accounts.account(1, 5);
    DepCache.manager().invalidateDependency("other:1"); // the rule's dependency: not used
    accounts.account(1, 5);
    assertThat(Calls.count("account")).isEqualTo(1);
    DepCache.manager().invalidateDependency("team:5"); // the annotation's
    accounts.account(1, 5);
    assertThat(Calls.count("account")).isEqualTo(2);
  }

  @Test
  void annotationsOnInterfacesAndAbstractMethodsApplyToImplementations() {
    Catalogue catalogue = new ShopCatalogue();
    catalogue.item(3);
    catalogue.item(3);
    assertThat(Calls.count("catalogue.item")).isEqualTo(1);
    ((ShopCatalogue) catalogue).price(3);
    ((ShopCatalogue) catalogue).price(3);
    assertThat(Calls.count("catalogue.price")).isEqualTo(1);

    catalogue.update(3, "lamp"); // @Invalidates("item:{0}") on the interface

    assertThat(catalogue.item(3)).isEqualTo("lamp");
    assertThat(Calls.count("catalogue.item")).isEqualTo(2);
  }

  @Test
  void aGenericInterfaceMethodIsInheritedByItsConcreteOverrideAndCachedOnce() {
    Repository<String, Long> repository = new NameRepository();
    assertThat(repository.load(7L)).isEqualTo("name7");
    assertThat(repository.load(7L)).isEqualTo("name7");
    assertThat(Calls.count("repository.load")).isEqualTo(1);
    DepCache.manager().invalidateDependency("repo:7");
    repository.load(7L);
    assertThat(Calls.count("repository.load")).isEqualTo(2);
  }

  @Test
  void invalidatesUsesArgumentPropertiesAndResultsAfterANormalReturnOnly() {
    Accounts accounts = new Accounts();
    accounts.account(1, 0);
    accounts.account(2, 9);
    accounts.save(new User(1, "ann", new Team(9, "nine")));
    assertThat(accounts.account(1, 0)).isEqualTo("ann"); // account:{0.id}
    assertThat(Calls.count("account")).isEqualTo(3);
    accounts.account(2, 9); // team:{0.team.id} also went
    assertThat(Calls.count("account")).isEqualTo(4);

    accounts.account(1, 0);
    assertThatThrownBy(() -> accounts.failingDelete(1)).isInstanceOf(IllegalStateException.class);
    accounts.account(1, 0);
    assertThat(Calls.count("account")).isEqualTo(4);

    accounts.account(101, 0);
    User created = accounts.create("new");
    assertThat(created.id()).isEqualTo(101);
    assertThat(accounts.account(101, 0)).isEqualTo("new"); // account:{result.id}
  }

  @Test
  void anInvalidationThatCannotResolveIsAnErrorEventAndTheMethodStillSucceeds() {
    Accounts accounts = new Accounts();
    assertThat(accounts.brokenTemplate(new User(1, "ann", new Team(1, "t")))).isEqualTo("ran");
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> assertThat(e.method()).isEqualTo("com.example.fixtures.Accounts#brokenTemplate"));
  }
}
