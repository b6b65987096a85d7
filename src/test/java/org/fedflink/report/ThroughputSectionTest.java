package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputSectionTest {

    @TempDir
    Path tmp;

    @Test
    void throughput_isTheRateOfConsecutiveSampleDeltas_inTimeOrder() throws Exception {
        Path file = tmp.resolve("throughput.csv");
        // unordered, with a repeated timestamp and a restore (count goes down)
        Files.writeString(file, "examplesRead,elapsedMillis\n3000,4000\n0,0\n1000,2000\n1000,2000\n500,6000\n");

        List<String> notes = new ArrayList<>();
        ThroughputSection.Throughput t = ThroughputSection.throughput(CsvTable.read(file), notes).orElseThrow();

        assertThat(t.seconds()).containsExactly(2.0, 4.0, 6.0);
        assertThat(t.rates()).containsExactly(500.0, 1000.0, null);
        assertThat(t.peak()).isEqualTo(1000.0);
        assertThat(t.mean()).isCloseTo(500.0 / 6.0, within(1e-9));
        assertThat(notes).isEmpty();
    }

    @Test
    void throughput_withOneSampleOrWithoutAColumn_isOmittedWithANote() throws Exception {
        Path one = tmp.resolve("one.csv");
        Files.writeString(one, "elapsedMillis,examplesRead\n2000,100\n");
        Path noCount = tmp.resolve("nocount.csv");
        Files.writeString(noCount, "elapsedMillis\n2000\n4000\n");

        List<String> notes = new ArrayList<>();
        assertThat(ThroughputSection.throughput(CsvTable.read(one), notes)).isEmpty();
        assertThat(ThroughputSection.throughput(CsvTable.read(noCount), notes)).isEmpty();

        assertThat(notes).containsExactly(
                "examples/s chart omitted: throughput.csv has fewer than two samples at different times",
                "examples/s chart omitted: throughput.csv has no examplesRead column");
    }
}
