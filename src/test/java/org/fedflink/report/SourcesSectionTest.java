package org.fedflink.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourcesSectionTest {

    @Test
    void sourceStats_stateTheWorstTenPercentMean() {
        List<Double> acc = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            acc.add(0.9);
        }
        acc.set(3, 0.1);
        acc.set(17, 0.3);
        acc.add(null); // a source without accuracy does not count

        SourcesSection.SourceStats s = SourcesSection.sourceStats(acc);

        assertThat(s.count()).isEqualTo(20);
        assertThat(s.worstCount()).isEqualTo(2);
        assertThat(s.worstMean()).isCloseTo(0.2, within(1e-12));
        assertThat(s.median()).isCloseTo(0.9, within(1e-12));
        assertThat(s.mean()).isCloseTo((18 * 0.9 + 0.4) / 20, within(1e-12));
        // fewer than ten sources: the worst 10% is still one source
        assertThat(SourcesSection.sourceStats(List.of(0.5, 0.7, 0.9)).worstCount()).isEqualTo(1);
        assertThat(SourcesSection.sourceStats(List.of(0.5, 0.7, 0.9)).worstMean()).isEqualTo(0.5);
    }

    @Test
    void histogram_binsEveryValue_betweenMinAndMax() {
        List<Double> values = new ArrayList<>();
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 1000; i++) {
            values.add(0.5 + 0.5 * random.nextDouble());
        }

        SourcesSection.Histogram h = SourcesSection.histogram(values);

        assertThat(h.counts()).hasSize(20); // Rice rule: 2 * 1000^(1/3)
        assertThat(h.counts().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(1000.0);
        assertThat(h.lo()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        assertThat(h.hi()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertThat(h.centers()).isSorted().allMatch(c -> c > h.lo() && c < h.hi());
        // one distinct value: one narrow range, every value counted
        SourcesSection.Histogram single = SourcesSection.histogram(List.of(0.8, 0.8));
        assertThat(single.hi() - single.lo()).isCloseTo(0.01, within(1e-12));
        assertThat(single.counts().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(2.0);
    }
}
