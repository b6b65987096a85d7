package org.fedflink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Package rules of the code base. The core (models and optimizers, the federation's learners,
 * servers and strategies, drift detectors) is plain Java so it can be unit-tested without a
 * cluster and reused outside Flink; only the job's packages may depend on Flink.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("org.fedflink");

    @Test
    void mathCore_mainClasses_doNotDependOnFlink() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.fedflink.model..", "org.fedflink.federation..", "org.fedflink.drift..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.flink..")
                .because("the math core is plain Java; Flink types belong in the pipeline packages")
                .check(MAIN_CLASSES);
    }

    @Test
    void topLevelPackages_areFreeOfCycles() {
        slices()
                .matching("org.fedflink.(*)..")
                .should()
                .beFreeOfCycles()
                .because("dependencies point one way (cli -> runners -> job -> io/config -> model), so a"
                        + " package can be read, tested and changed without the ones above it")
                .check(MAIN_CLASSES);
    }
}
