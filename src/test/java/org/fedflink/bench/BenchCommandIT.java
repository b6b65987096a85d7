package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedflink bench --quick --case logistic-p1}: one small case end to end (job on a
 * MiniCluster, reference loop, bench.json). Checks the figures are there and positive, never how
 * large they are.
 */
class BenchCommandIT {

    @TempDir
    Path tmp;

    @Test
    void quickCase_writesBenchJsonWithEveryFigure() throws Exception {
        Path out = tmp.resolve("bench");
        int exit = Main.execute("bench", "--quick", "--case", "logistic-p1", "--out", out.toString());
        assertThat(exit).isZero();

        JsonNode results = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(results.isArray()).isTrue();
        assertThat(results).hasSize(1);
        JsonNode r = results.get(0);
        assertThat(r.path("case").asText()).isEqualTo("logistic-p1");
        assertThat(r.path("status").asText()).isEqualTo("FINISHED");
        assertThat(r.path("slots").asInt()).isEqualTo(1);
        for (String key : List.of("examples", "sources", "examplesPerSecond", "referenceExamplesPerSecond",
                "ratioPerSlot", "latencyP99Millis", "checkpointMillis", "checkpointBytes", "peakHeapBytes",
                "peakRssBytes", "updates", "versions", "checkpoints", "anchorExamplesPerSecond",
                "ratioToAnchorPerSlot")) {
            assertThat(r.path(key).isNumber()).as(key + " is a number").isTrue();
            assertThat(r.path(key).asDouble()).as(key).isPositive();
        }
        assertThat(r.path("latencyP50Millis").isNumber()).isTrue();
        assertThat(r.path("latencyP50Millis").asDouble()).isBetween(0.0, r.path("latencyP99Millis").asDouble());
        assertThat(r.path("holdoutAccuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.path("referenceHoldoutAccuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.path("anchorHoldoutAccuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(Path.of(r.path("runDir").asText()).resolve("summary.json")).exists();
        assertThat(Files.exists(out.resolve("logistic-p1").resolve("checkpoints"))).as("pruned").isFalse();
    }

    @Test
    void unknownCase_exitsWith2BeforeRunningAnything() {
        Path out = tmp.resolve("nothing");
        assertThat(Main.execute("bench", "--quick", "--case", "nope", "--out", out.toString())).isEqualTo(2);
        assertThat(out).doesNotExist();
    }
}
