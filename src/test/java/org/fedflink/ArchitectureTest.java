package org.fedflink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
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

    /**
     * The layers, outermost first: the command line; the tools that run jobs (runners, bench,
     * quality suite); the job itself (operators, state, savepoint versions); the services the job
     * and the tools share (spec, run folder and model files, inputs, Kafka, cluster processes,
     * reports, scoring); the core (federation, drift, evaluation, examples); the models. Each may
     * use the layers below it only.
     */
    @Test
    void layers_dependDownwardOnly() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("org.fedflink.cli..")
                .layer("tools").definedBy("org.fedflink.runner..", "org.fedflink.bench..", "org.fedflink.quality..")
                .layer("job").definedBy("org.fedflink.pipeline..", "org.fedflink.versions..")
                .layer("services").definedBy("org.fedflink.config..", "org.fedflink.artifact..", "org.fedflink.io..",
                        "org.fedflink.kafka..", "org.fedflink.cluster..", "org.fedflink.report..",
                        "org.fedflink.predict..")
                .layer("core").definedBy("org.fedflink.federation..", "org.fedflink.drift..", "org.fedflink.eval..",
                        "org.fedflink.data..")
                .layer("model").definedBy("org.fedflink.model..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("tools").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("job").mayOnlyBeAccessedByLayers("cli", "tools")
                .whereLayer("services").mayOnlyBeAccessedByLayers("cli", "tools", "job")
                .whereLayer("core").mayOnlyBeAccessedByLayers("cli", "tools", "job", "services")
                .whereLayer("model").mayOnlyBeAccessedByLayers("cli", "tools", "job", "services", "core")
                .because("dependencies point one way: cli -> tools -> job -> services -> core -> model")
                .check(MAIN_CLASSES);
    }
}
