package org.fedflink.report;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ReportArchitectureTest {

    @Test
    void report_doesNotDependOnFlink() {
        noClasses()
                .that().resideInAPackage("org.fedflink.report..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
                .because("the report reads run folders with plain Java and Jackson; it runs after (or without) Flink")
                .check(new ClassFileImporter()
                        .withImportOption(new ImportOption.DoNotIncludeTests())
                        .importPackages("org.fedflink.report"));
    }
}
