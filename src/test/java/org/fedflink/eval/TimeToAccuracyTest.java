package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.fedflink.eval.TimeToAccuracy.Point;
import org.fedflink.eval.TimeToAccuracy.Reached;
import org.junit.jupiter.api.Test;

class TimeToAccuracyTest {

    private static final long START = 1_700_000_000_000L;

    /**
     * A hand-made metrics table: final accuracy 0.90, so the targets are 0.855 (95 %) and 0.891
     * (99 %). Version 3 first reaches 0.855; version 4 falls back below it; version 5 is the first
     * at or above 0.891, although version 6 falls below again.
     */
    private static final List<Point> CURVE = List.of(
            new Point(1_000, START + 1_000, 0.50),
            new Point(2_000, START + 2_000, Double.NaN), // not scored
            new Point(3_000, START + 3_500, 0.87),
            new Point(4_000, START + 4_000, 0.80),
            new Point(5_000, START + 5_250, 0.895),
            new Point(6_000, START + 6_000, 0.88),
            new Point(7_000, START + 7_000, Double.NaN),
            new Point(8_000, START + 8_000, 0.90),
            new Point(9_000, START + 9_000, Double.NaN));

    @Test
    void compute_nonMonotoneCurve_takesTheFirstCrossingOfEachTarget() {
        Map<Integer, Reached> reached = TimeToAccuracy.compute(CURVE, START);

        assertThat(reached).containsOnlyKeys(95, 99);
        assertThat(reached.keySet()).containsExactly(95, 99);
        assertThat(reached.get(95)).isEqualTo(new Reached(3_000, 3.5));
        assertThat(reached.get(99)).isEqualTo(new Reached(5_000, 5.25));
    }

    @Test
    void finalValue_isTheLastScoredPoint() {
        assertThat(TimeToAccuracy.finalValue(CURVE)).isEqualTo(0.90);
        assertThat(TimeToAccuracy.finalValue(List.of(new Point(1, START, Double.NaN)))).isNaN();
        assertThat(TimeToAccuracy.finalValue(List.of())).isNaN();
    }

    @Test
    void compute_targetNeverReached_isNull() {
        // a final value above anything on the curve (e.g. the curve was cut before the final version)
        Map<Integer, Reached> reached = TimeToAccuracy.compute(CURVE, 0.99, START);

        assertThat(reached).containsEntry(95, null).containsEntry(99, null);
    }

    @Test
    void compute_noScoredVersion_isNullForEveryTarget() {
        List<Point> unscored = List.of(new Point(100, START + 10, Double.NaN), new Point(200, START + 20, Double.NaN));

        assertThat(TimeToAccuracy.compute(unscored, START)).containsEntry(95, null).containsEntry(99, null);
        assertThat(TimeToAccuracy.compute(List.of(), START)).containsEntry(95, null).containsEntry(99, null);
    }

    @Test
    void compute_targetEqualToARoundedAccuracy_counts() {
        // 0.99 * 0.9185 = 0.909315 exactly in decimals, not in doubles: metrics.csv keeps six decimals
        List<Point> curve = List.of(new Point(10, START + 100, 0.909315), new Point(20, START + 200, 0.9185));

        assertThat(TimeToAccuracy.compute(curve, START).get(99)).isEqualTo(new Reached(10, 0.1));
    }

    @Test
    void compute_versionOlderThanTheJob_hasExamplesButNoSeconds() {
        // a resumed run: the versions before its start were made by the earlier job
        List<Point> curve = List.of(new Point(500, START - 2_000, 0.895), new Point(900, START + 1_000, 0.90));

        Map<Integer, Reached> reached = TimeToAccuracy.compute(curve, START);

        assertThat(reached.get(95)).isEqualTo(new Reached(500, null));
        assertThat(reached.get(99)).isEqualTo(new Reached(500, null));
    }
}
