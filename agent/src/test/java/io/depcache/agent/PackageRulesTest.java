package io.depcache.agent;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rules "room X may call Y" that each {@code package-info.java} of the agent states, checked
 * against the compiled classes: a forbidden import fails the build.
 */
class PackageRulesTest {
  private static final String AGENT = "io.depcache.agent";
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(AGENT, "io.depcache.bridge");

  private static String room(String name) {
    return AGENT + "." + name + "..";
  }

  @Test
  void theRoomsFormNoCycleAndNoneCallsTheEntryPoint() {
    slices().matching(AGENT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage(
            room("cli"),
            room("config"),
            room("instrument"),
            room("monitor"),
            room("near"),
            room("runtime"),
            room("serial"),
            room("store"))
        .should()
        .dependOnClassesThat()
        .resideInAPackage(AGENT)
        .check(CLASSES);
  }

  @Test
  void configAndSerialCallTheJdkOnlyAndOnlyTheKryoSerializerCallsKryo() {
    classes()
        .that()
        .resideInAPackage(room("config"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(room("config"), "java..")
        .check(CLASSES);
    DescribedPredicate<? super JavaClass> kryoPart = nameMatching(".*\\.serial\\.Kryo[^.]*");
    classes()
        .that()
        .resideInAPackage(room("serial"))
        .and(not(kryoPart))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(room("serial"), "java..", "javax.crypto..")
        .check(CLASSES);
    classes()
        .that(kryoPart)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            room("serial"), "java..", "com.esotericsoftware.kryo..", "org.objenesis..")
        .check(CLASSES);
  }

  @Test
  void storeCallsJedisItsPoolTheJdkLoggingAndTheManagerSettings() {
    classes()
        .that()
        .resideInAPackage(room("store"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            room("store"),
            "java..",
            "javax.net.ssl..",
            "redis.clients..",
            "org.apache.commons.pool2..",
            "org.slf4j..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(AGENT + ".config.TlsSettings")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(AGENT + ".config.Redaction")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(AGENT + ".config.ManagerConfig")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage(room("store"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            room("runtime"), room("serial"), room("instrument"), room("monitor"), room("cli"))
        .check(CLASSES);
  }

  @Test
  void nearCallsTheStoreCaffeineTheJdkLoggingAndTheManagerSettings() {
    classes()
        .that()
        .resideInAPackage(room("near"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            room("near"), room("store"), "java..", "com.github.benmanes.caffeine..", "org.slf4j..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(AGENT + ".config.ManagerConfig")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage(room("store"), room("serial"), room("config"), room("monitor"))
        .should()
        .dependOnClassesThat()
        .resideInAPackage(room("near"))
        .check(CLASSES);
  }

  @Test
  void monitorCallsTheApiJmxAndLoggingOnly() {
    classes()
        .that()
        .resideInAPackage(room("monitor"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            room("monitor"), "java..", "javax.management..", "io.depcache", "org.slf4j..")
        .check(CLASSES);
  }

  @Test
  void runtimeKnowsNothingOfByteBuddyTheInstrumentationOrTheCommandLine() {
    noClasses()
        .that()
        .resideInAPackage(room("runtime"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("net.bytebuddy..", room("instrument"), room("cli"))
        .check(CLASSES);
  }

  /**
   * Inside the runtime, calls go down only: the bridge's dispatcher, then the public managers and
   * {@code getOrCompute}, then the start and end of cached calls, then entries, leases and single
   * flight, then the per-manager core and its store. Nothing below calls back into what is above.
   */
  @Test
  void theRuntimesLowerPartsNeverCallBackUp() {
    String runtime = AGENT + ".runtime.";
    String[][] layers = {
      {"CallPath", "ForeignApi"},
      {"ManagerRuntime", "AsyncManager", "GetOrCompute"},
      {"CachedCalls"},
      {
        "EntryIo",
        "Leases",
        "SingleFlight",
        "Frames",
        "Frame",
        "Hit",
        "Call",
        "Lookup",
        "Async",
        "Reactor"
      },
      {"ManagerCore", "Written", "Managers", "Repeater"},
    };
    for (int layer = 1; layer < layers.length; layer++) {
      DescribedPredicate<JavaClass> above = DescribedPredicate.alwaysFalse();
      for (int upper = 0; upper < layer; upper++) {
        for (String name : layers[upper]) {
          above = above.or(nameMatching(Pattern.quote(runtime + name) + "(\\$.*)?"));
        }
      }
      for (String name : layers[layer]) {
        noClasses()
            .that(nameMatching(Pattern.quote(runtime + name) + "(\\$.*)?"))
            .should()
            .dependOnClassesThat(above)
            .as(name + " calls nothing above it in the runtime")
            .check(CLASSES);
      }
    }
  }

  @Test
  void instrumentationReachesTheRuntimeOnlyThroughWhatAdviceAndMatchingNeed() {
    noClasses()
        .that()
        .resideInAPackage(room("instrument"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(room("store"), room("monitor"), room("serial"), room("cli"))
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage(room("instrument"))
        .should()
        .dependOnClassesThat(
            resideInAPackage(room("runtime"))
                .and(
                    not(
                        nameStartingWith(AGENT + ".runtime.MethodRegistry")
                            .or(nameStartingWith(AGENT + ".runtime.MethodSpec"))
                            .or(nameStartingWith(AGENT + ".runtime.InvalidationSpec"))
                            .or(nameStartingWith(AGENT + ".runtime.TemplateCheck")))))
        .check(CLASSES);
  }

  @Test
  void theCommandLineCallsTheConfigurationTheOperationsFacadeAndTheDryRunOnly() {
    noClasses()
        .that()
        .resideInAPackage(room("cli"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(room("store"), room("serial"), room("monitor"))
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage(room("cli"))
        .should()
        .dependOnClassesThat(
            resideInAPackage(room("runtime"))
                .and(
                    not(
                        nameStartingWith(AGENT + ".runtime.Operations")
                            .or(nameStartingWith(AGENT + ".runtime.FleetStats")))))
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage(room("cli"))
        .should()
        .dependOnClassesThat(
            resideInAPackage(room("instrument"))
                .and(not(nameStartingWith(AGENT + ".instrument.DryRun"))))
        .check(CLASSES);
  }
}
