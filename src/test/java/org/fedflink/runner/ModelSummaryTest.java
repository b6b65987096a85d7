package org.fedflink.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fedflink.artifact.RunFolder;
import org.fedflink.pipeline.SourceStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-source fairness figures {@link ModelSummary} reads from the {@code sources.csv} the job wrote. */
class ModelSummaryTest {

    @TempDir
    Path dir;

    @Test
    void collect_sourcesCsv_meanAndWorstDecileOverSourcesWithAnAccuracy() throws Exception {
        StringBuilder csv = new StringBuilder(SourceStats.HEADER).append('\n');
        // a quoted name with a comma, and a regression-like row without an accuracy (skipped)
        csv.append("\"silo, north\",40,0.1,0.9\n");
        for (int i = 1; i < 10; i++) {
            csv.append("s").append(i).append(",40,").append(0.1 * i + 0.05).append(",0.5\n");
        }
        csv.append("blank,40,,0.5\n");
        Files.writeString(dir.resolve(RunFolder.SOURCES), csv);
        ObjectNode summary = new ObjectMapper().createObjectNode();

        ModelSummary.collect(dir, summary, 0);

        ObjectNode metrics = (ObjectNode) summary.get("metrics");
        assertThat(metrics.get("sourcesReporting").asInt()).isEqualTo(10);
        double mean = (0.1 + 9 * 0.05 + 0.1 * 45) / 10;
        assertThat(metrics.get("sourceMeanPrequentialAccuracy").asDouble()).isCloseTo(mean, within(1e-12));
        // the worst 10 % of ten sources is the one at 0.1, the quoted name's
        assertThat(metrics.get("worstDecilePrequentialAccuracy").asDouble()).isCloseTo(0.1, within(1e-12));
    }
}
