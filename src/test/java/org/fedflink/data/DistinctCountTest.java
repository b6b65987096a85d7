package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link DistinctCount}: exact while small, a sketch within its error after, merged like a union. */
class DistinctCountTest {

    private static DistinctCount of(int from, int to) {
        DistinctCount count = new DistinctCount();
        for (int i = from; i < to; i++) {
            count.add("source-" + i);
            count.add("source-" + i);
        }
        return count;
    }

    @Test
    void exact_upToTheLimit_andThroughACheckpoint() {
        DistinctCount count = of(0, DistinctCount.EXACT_LIMIT);
        assertThat(count.isExact()).isTrue();
        assertThat(count.count()).isEqualTo(DistinctCount.EXACT_LIMIT);
        DistinctCount restored = DistinctCount.of(count.toState());
        assertThat(restored.count()).isEqualTo(DistinctCount.EXACT_LIMIT);
        assertThat(restored.isExact()).isTrue();
    }

    @Test
    void beyondTheLimit_estimatesWithinTwoPercent_atEveryScale() {
        for (int n : new int[] {DistinctCount.EXACT_LIMIT + 1, 30_000, 100_000, 1_000_000}) {
            DistinctCount count = of(0, n);
            assertThat(count.isExact()).isFalse();
            // the sketch's standard error is 0.8 %: 2 % is 2.5 standard errors
            assertThat((double) count.count()).as("%d names", n).isCloseTo(n, within(0.02 * n));
            assertThat(DistinctCount.of(count.toState()).count()).isEqualTo(count.count());
        }
    }

    @Test
    void merging_countsTheUnion_exactOrSketched() {
        DistinctCount a = of(0, 3000);
        a.addAll(of(2000, 5000));
        assertThat(a.count()).isEqualTo(5000);
        DistinctCount big = of(0, 60_000);
        DistinctCount overlapping = of(40_000, 120_000);
        big.addAll(overlapping);
        assertThat((double) big.count()).isCloseTo(120_000, within(2_400.0));
        DistinctCount small = of(0, 10);
        small.addAll(of(5_000, 45_000));
        assertThat((double) small.count()).isCloseTo(40_010, within(800.0));
    }
}
