package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path tmp;

    static BenchResult result(String name, double rate, double checkpointMillis) {
        return new BenchResult(name, "dense softmax 784x10", "Fashion-MNIST x8", "FINISHED", 480_000, 2, 100,
                rate, 190_000, rate / 2 / 190_000, 240_000, rate / 2 / 240_000, 0.5, 3.5, 40.25, 24_000, 960, 3, checkpointMillis, 300, 25_000_000,
                1.5e6, 120, 15, 40, "local trainer", 400_000_000, 130_000_000, 800_000_000, 0.84, 0.83, 0.82, 4.0, 8.0, 2.5, 2.4, 6.0, 20.0,
                List.of(new TaskTimes("local trainer", "0", 0.9, 0.05, 0.05)), "/runs/x",
                "bin/fedflink run jobs/bench/softmax-fashion-mnist.yaml");
    }

    @Test
    void benchJson_isAListWithOneObjectPerCase_inTheDocumentedFields() throws Exception {
        Path file = BenchReport.write(tmp.resolve("out"), List.of(result("softmax-p2", 120_000, 250),
                result("softmax-p1", 90_000, Double.NaN)));
        assertThat(file).isEqualTo(tmp.resolve("out").resolve("bench.json"));
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(2);
        JsonNode first = json.get(0);
        assertThat(first.path("case").asText()).isEqualTo("softmax-p2");
        for (String key : List.of("case", "examplesPerSecond", "referenceExamplesPerSecond", "ratioPerSlot", "slots",
                "sources", "examples", "latencyP50Millis", "latencyP99Millis", "checkpointMillis", "checkpointBytes",
                "peakHeapBytes", "peakRssBytes", "holdoutAccuracy", "referenceHoldoutAccuracy", "cpuRatio", "anchorExamplesPerSecond",
                "ratioToAnchorPerSlot", "anchorHoldoutAccuracy")) {
            assertThat(first.has(key)).as(key).isTrue();
        }
        assertThat(first.path("examplesPerSecond").asDouble()).isEqualTo(120_000);
        assertThat(first.path("ratioPerSlot").asDouble()).isEqualTo(120_000 / 2.0 / 190_000);
        assertThat(first.path("ratioToAnchorPerSlot").asDouble()).isEqualTo(120_000 / 2.0 / 240_000);
        assertThat(first.path("slots").asInt()).isEqualTo(2);
        assertThat(first.path("latencyP99Millis").asDouble()).isEqualTo(40.25);
        assertThat(first.path("checkpointBytes").asLong()).isEqualTo(25_000_000);
        assertThat(first.path("tasks").get(0).path("task").asText()).isEqualTo("local trainer");
        assertThat(first.path("tasks").get(0).path("busy").asDouble()).isEqualTo(0.9);
        // not measured: null, not NaN (which is not JSON)
        assertThat(json.get(1).get("checkpointMillis").isNull()).isTrue();
    }

    @Test
    void aCaseResult_survivesTheTripThroughItsFile() throws Exception {
        BenchResult r = result("sparse-p2", 6_000, 1500);
        Path file = tmp.resolve("sparse-p2").resolve(Bench.CASE_FILE);
        BenchReport.writeCase(file, r);
        assertThat(BenchReport.readCase(file)).isEqualTo(r);
        BenchResult failed = BenchResult.failed(BenchCases.ALL.get(0), "FAILED (exit 1)", "/runs/x");
        BenchReport.writeCase(file, failed);
        BenchResult back = BenchReport.readCase(file);
        assertThat(back.status()).isEqualTo("FAILED (exit 1)");
        assertThat(back.examplesPerSecond()).isNaN();
        assertThat(back.checkpointBytes()).isEqualTo(-1);
        assertThat(BenchReport.table(List.of(back))).contains("softmax-p1 (FAILED (exit 1))");
    }

    @Test
    void table_hasARowPerCase() {
        String table = BenchReport.table(List.of(result("softmax-p1", 90_000, 250)));
        String[] lines = table.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("case", "ex/s", "ratio/slot", "cpu ratio", "lat p50 ms", "RSS MB");
        assertThat(lines[2]).contains("softmax-p1", "90,000", "190,000", "0.237", "240,000", "0.188", "0.500", "3.5", "40.3", "25.0", "800");
    }
}
