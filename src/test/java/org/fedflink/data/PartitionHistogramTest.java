package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionHistogramTest {

    // rows: (source, label) = (0,0) (0,1) (0,1) (2,1) (2,1); source 1 is empty
    private static final int[] SOURCES = {0, 0, 2, 0, 2};
    private static final int[] LABELS = {0, 1, 1, 1, 1};

    @Test
    void of_countsPerSourceAndClass() {
        PartitionHistogram h = PartitionHistogram.of(SOURCES, LABELS, 3, 2);
        assertThat(h.counts()).isDeepEqualTo(new int[][] {{1, 2}, {0, 0}, {0, 2}});
        assertThat(h.rows(0)).isEqualTo(3);
        assertThat(h.rows(1)).isZero();
        assertThat(h.rows()).isEqualTo(5);
        assertThat(h.emptySources()).isEqualTo(1);
        assertThat(h.distinctClasses(0)).isEqualTo(2);
        assertThat(h.distinctClasses(2)).isEqualTo(1);
        // source 0: p = (1/3, 2/3); source 2: one class; source 1: empty (NaN, not counted)
        double h0 = -(1.0 / 3) * Math.log(1.0 / 3) - (2.0 / 3) * Math.log(2.0 / 3);
        assertThat(h.labelEntropy(0)).isCloseTo(h0, within(1e-12));
        assertThat(h.labelEntropy(1)).isNaN();
        assertThat(h.labelEntropy(2)).isZero();
        assertThat(h.meanLabelEntropy()).isCloseTo(h0 / 2, within(1e-12));
    }

    @Test
    void writeCsv_headerAndOneLinePerSourceIncludingEmpty(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("partition.csv");
        PartitionHistogram.of(SOURCES, LABELS, 3, 2).writeCsv(file, i -> String.format("s%03d", i));
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .isEqualTo("source,rows,class0,class1\ns000,3,1,2\ns001,0,0,0\ns002,2,0,2\n");
        PartitionHistogram.of(SOURCES, LABELS, 3, 2).writeCsv(file, i -> i == 1 ? "a,\"b\"" : "s" + i);
        assertThat(Files.readAllLines(file)).element(2).isEqualTo("\"a,\"\"b\"\"\",0,0,0");
    }

    @Test
    void toJson_parsesBackToTheCounts() throws Exception {
        String json = PartitionHistogram.of(SOURCES, LABELS, 3, 2).toJson(i -> "source-" + i);
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.get("sources").asInt()).isEqualTo(3);
        assertThat(root.get("rows").asLong()).isEqualTo(5);
        assertThat(root.get("emptySources").asInt()).isEqualTo(1);
        JsonNode second = root.get("perSource").get(2);
        assertThat(second.get("source").asText()).isEqualTo("source-2");
        assertThat(second.get("rows").asInt()).isEqualTo(2);
        assertThat(second.get("classCounts").toString()).isEqualTo("[0,2]");
    }

    @Test
    void of_invalid_rejectedWithMessage() {
        assertThatThrownBy(() -> PartitionHistogram.of(new int[] {0, 3}, new int[] {0, 0}, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source of row 1 is 3, outside [0, 3)");
        assertThatThrownBy(() -> PartitionHistogram.of(new int[] {0}, new int[] {0, 0}, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sourceOfRow has 1 rows but labels has 2");
        assertThatThrownBy(() -> PartitionHistogram.of(new int[] {0}, new int[] {-1}, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label of row 0 is -1, outside [0, 1)");
    }
}
