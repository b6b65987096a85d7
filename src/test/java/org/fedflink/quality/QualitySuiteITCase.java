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
 * the mean of the models every source trained alone, no version collapsing, and on a stream with
 * abrupt changes, back within 3 points of the pre-change level within 1,000 examples.
 */
class QualitySuiteITCase {

    private static final double WITHIN_CENTRALIZED = 0.01;
    private static final double COLLAPSE = 0.10;
    private static final double RECOVERY_EXAMPLES = 1_000;

    @TempDir
    Path tmp;

    @Test
    void quickstart_federatedWithinAPointOfCentralizedAndAboveLocalOnly() throws Exception {
        QualityRow row = runQuick("quickstart");

        assertTargetsOnTheHoldout(row);
    }

    @Test
    @Tag("moa")
    void seaWithAbruptChanges_federatedKeepsUpAndRecoversWithinAThousandExamples() throws Exception {
        QualityRow row = runQuick("sea-abrupt");

        assertTargetsOnTheHoldout(row);
        assertThat(row.federated().get("recoveryExamples")).as("federated recovery, " + row.federated())
                .isNotNull().isBetween(0.0, RECOVERY_EXAMPLES);
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
