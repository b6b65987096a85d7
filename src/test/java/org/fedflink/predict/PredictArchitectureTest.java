package org.fedflink.predict;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class PredictArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("org.fedflink.artifact", "org.fedflink.predict");

    @Test
    void artifactAndPredict_doNotDependOnFlink() {
        noClasses()
                .that().resideInAnyPackage("org.fedflink.artifact..", "org.fedflink.predict..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.fedflink.pipeline..")
                .because("saved models are read and scored with plain Java, without (or after) a Flink job")
                .check(CLASSES);
    }
}
