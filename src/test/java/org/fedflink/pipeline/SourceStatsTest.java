package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SourceStatsTest {

    @Test
    void number_writesWhatTheFormatterWrites_forTheFiguresOfSourcesCsv() {
        Random random = new Random(3);
        double[] fixed = {0, 1, 0.5, 0.1234565, 0.9999995, 2.0000005, 1.0 / 3, 123.456789012, 1e-7, 5e-7, 0.0000015};
        for (double v : fixed) {
            assertThat(SourceStats.number(v)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.6f", v));
        }
        for (int i = 0; i < 100_000; i++) {
            // accuracies in [0, 1] and losses that run to the tens
            double v = i % 2 == 0 ? random.nextDouble() : random.nextDouble() * 50;
            assertThat(SourceStats.number(v)).as("%s", v).isEqualTo(String.format(Locale.ROOT, "%.6f", v));
        }
        assertThat(SourceStats.number(Double.NaN)).isEmpty();
    }
}
