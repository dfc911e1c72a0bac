package io.jtau;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package table of docs/architecture.md, enforced. */
class ArchitectureTest {

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jtau");
  }

  @Test
  void onlyAppAndDreamKnowQuarkusAndJakarta() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.jtau.app..", "io.jtau.dream..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.quarkus..", "jakarta..", "io.vertx..", "io.smallrye..")
        .check(classes);
  }

  @Test
  void modelDependsOnlyOnTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.jtau.model..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.jtau.model..", "java..")
        .check(classes);
  }

  @Test
  void portsDependOnlyOnModel() {
    classes()
        .that()
        .resideInAPackage("io.jtau.port..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.jtau.model..", "io.jtau.port..", "java..")
        .check(classes);
  }

  @Test
  void schemaDoesNoGitNoStorageNoRuntime() {
    noClasses()
        .that()
        .resideInAPackage("io.jtau.schema..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.jtau.source..",
            "io.jtau.registry..",
            "io.jtau.build..",
            "io.jtau.store..",
            "io.jtau.reconcile..",
            "io.jtau.runtime..",
            "io.jtau.app..",
            "org.eclipse.jgit..",
            "jetbrains.exodus..")
        .check(classes);
  }

  @Test
  void reconcileUsesOnlyModelPortAndSchema() {
    classes()
        .that()
        .resideInAPackage("io.jtau.reconcile..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.jtau.model..",
            "io.jtau.port..",
            "io.jtau.schema..",
            "io.jtau.reconcile..",
            "java..")
        .check(classes);
  }

  @Test
  void componentsDoNotImportEachOther() {
    String[] components = {
      "io.jtau.source..",
      "io.jtau.registry..",
      "io.jtau.build..",
      "io.jtau.store..",
      "io.jtau.runtime.wasm..",
      "io.jtau.runtime.gateway..",
      "io.jtau.runtime.dns..",
      "io.jtau.runtime.kv..",
      "io.jtau.runtime.pubsub..",
      "io.jtau.cluster..",
      "io.jtau.access.."
    };
    for (String c : components) {
      String[] others =
          java.util.Arrays.stream(components).filter(o -> !o.equals(c)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(c)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.jtau.(*)..").should().beFreeOfCycles().check(classes);
  }
}
