package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small, fixed-seed cases of the quality suite ({@code bin/fedflink quality --quick}), run with the
 * project's defaults exactly as the suite runs them, asserting the quality targets of the defaults:
 * the federated model within 1 point of the centralized baseline trained on the same stream, above
 * the mean of the models every source trained alone, and no version collapsing.
 */
class QualitySuiteIT {

    private static final double WITHIN_CENTRALIZED = 0.01;
    private static final double COLLAPSE = 0.10;

    @TempDir
    Path tmp;

    @Test
    void quickstart_federatedWithinAPointOfCentralizedAndAboveLocalOnly() throws Exception {
        QualityRow row = runQuick("quickstart");

        assertTargetsOnTheHoldout(row);
    }

    /**
     * SEA (8 IID sources, two abrupt threshold changes): within a point of the centralized baseline
     * and no collapse. Two targets of the defaults are not met yet and so not asserted here (issue
     * 15 has the figures): the 500-example window is back within 3 points 1,300-1,400 examples
     * after a change (target 1,000; the centralized baseline 1,000-1,200), and with 8 IID sources of
     * 7,500 examples each the local-only models are within 0.5 points of the federated one.
     */
    @Test
    @Tag("moa")
    void seaWithAbruptChanges_federatedWithinAPointOfCentralizedWithoutCollapse() throws Exception {
        QualityRow row = runQuick("sea-abrupt");

        String figures = "federated " + row.federated() + ", centralized " + row.centralized();
        assertThat(row.federated().get("holdoutAccuracy")).as(figures)
                .isGreaterThanOrEqualTo(row.centralized().get("holdoutAccuracy") - WITHIN_CENTRALIZED);
        assertThat(row.federated().get("largestDrop")).as(figures).isLessThanOrEqualTo(COLLAPSE);
        assertThat(row.federated()).as(figures).containsKey("recoveryExamples"); // the changes were measured
    }

    private QualityRow runQuick(String dataset) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        QualitySuite suite = QualitySuites.standard(new QualitySuite.Settings(tmp.resolve("out"), tmp.resolve("data"),
                true, true, Path.of("flink-conf", "local"), new PrintStream(progress, true, StandardCharsets.UTF_8)),
                Path.of("").toAbsolutePath());
        List<QualityRow> rows = suite.run(QualitySuites.select(
                DatasetSpec.loadAll(Path.of("quality", "datasets")), List.of(dataset)));
        assertThat(rows).hasSize(1);
        QualityRow row = rows.get(0);
        assertThat(row.status()).as(progress.toString(StandardCharsets.UTF_8)).isEqualTo("FINISHED");
        System.out.println("[quality] " + dataset + ": federated " + row.federated() + "; centralized "
                + row.centralized() + "; local-only " + row.localOnly());
        return row;
    }

    private static void assertTargetsOnTheHoldout(QualityRow row) {
        Map<String, Double> federated = row.federated();
        double fed = federated.get("holdoutAccuracy");
        String figures = "federated " + federated + ", centralized " + row.centralized() + ", local-only "
                + row.localOnly();
        assertThat(fed).as(figures).isGreaterThanOrEqualTo(row.centralized().get("holdoutAccuracy") - WITHIN_CENTRALIZED);
        assertThat(fed).as(figures).isGreaterThan(row.localOnly().get("holdoutAccuracy"));
        assertThat(federated.get("largestDrop")).as(figures).isLessThanOrEqualTo(COLLAPSE);
    }
}
