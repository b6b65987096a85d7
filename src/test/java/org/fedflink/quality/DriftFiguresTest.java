package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import org.fedflink.quality.DriftFigures.Change;
import org.fedflink.quality.DriftFigures.Figures;
import org.fedflink.quality.DriftFigures.Point;
import org.junit.jupiter.api.Test;

class DriftFiguresTest {

    /** A curve sampled every 100 examples from 100 to {@code length}. */
    private static List<Point> curve(long length, LongToDoubleFunction accuracyAt) {
        List<Point> curve = new ArrayList<>();
        for (long n = 100; n <= length; n += 100) {
            curve.add(new Point(n, accuracyAt.applyAsDouble(n)));
        }
        return curve;
    }

    /** 0.9 until 5000, a drop to 0.6 that lasts until {@code back}, then 0.88. */
    private static double dropAndRecover(long n, long back) {
        if (n <= 5000) {
            return 0.9;
        }
        if (n == 5100) {
            return 0.88; // the window still holds mostly the old concept: inside the band, not a recovery
        }
        return n < back ? 0.6 : 0.88;
    }

    @Test
    void ofCurve_abruptDropAndRecovery_countsFromTheChangeUntilBackWithinThreePoints() {
        Figures f = DriftFigures.ofCurve(curve(10_000, n -> dropAndRecover(n, 6_500)), 10_000,
                List.of(new Change(5_000, 1)), 500);

        assertThat(f.recoveries()).hasSize(1);
        assertThat(f.recoveries().get(0).level()).isEqualTo(0.9);
        assertThat(f.recoveryExamples()).isEqualTo(1_500);
        assertThat(f.unrecoveredChanges()).isZero();
        assertThat(f.minWindowAccuracy()).isEqualTo(0.6);
    }

    @Test
    void ofCurve_exactlyThreePointsBelow_isBackWithinTheBand() {
        Figures f = DriftFigures.ofCurve(curve(8_000, n -> n <= 5_000 ? 0.9 : n < 6_000 ? 0.5 : 0.87), 8_000,
                List.of(new Change(5_000, 1)), 500);

        assertThat(f.recoveryExamples()).isEqualTo(1_000);
    }

    @Test
    void ofCurve_neverRecovers_countsTheRestOfTheStreamAndSaysSo() {
        Figures f = DriftFigures.ofCurve(curve(10_000, n -> n <= 5_000 ? 0.9 : 0.6), 10_000,
                List.of(new Change(5_000, 1)), 500);

        assertThat(f.recoveryExamples()).isEqualTo(5_000);
        assertThat(f.unrecoveredChanges()).isEqualTo(1);
        assertThat(f.recoveries().get(0).recovered()).isFalse();
        assertThat(f.asMap()).containsEntry("recoveryExamples", 5_000.0).containsEntry("unrecoveredChanges", 1.0);
    }

    @Test
    void ofCurve_neverLeavesTheBand_recoversInNoExamples() {
        Figures f = DriftFigures.ofCurve(curve(10_000, n -> n <= 5_000 ? 0.9 : 0.875), 10_000,
                List.of(new Change(5_000, 1)), 500);

        assertThat(f.recoveryExamples()).isZero();
        assertThat(f.unrecoveredChanges()).isZero();
    }

    @Test
    void ofCurve_severalChanges_takesTheLargestAndEachItsOwnLevel() {
        // 0.9, change at 4000 (back at 5500: 1500), level 0.8 from 6000, change at 8000 (back at 8800: 800)
        LongToDoubleFunction acc = n -> {
            if (n <= 4_000) {
                return 0.9;
            }
            if (n < 5_500) {
                return 0.7;
            }
            if (n <= 8_000) {
                return n < 6_000 ? 0.88 : 0.8;
            }
            return n < 8_800 ? 0.5 : 0.79;
        };
        Figures f = DriftFigures.ofCurve(curve(12_000, acc), 12_000,
                List.of(new Change(8_000, 1), new Change(4_000, 1)), 500);

        assertThat(f.recoveries()).extracting(DriftFigures.Recovery::examples).containsExactly(1_500L, 800L);
        assertThat(f.recoveries()).extracting(DriftFigures.Recovery::level).containsExactly(0.9, 0.8);
        assertThat(f.recoveryExamples()).isEqualTo(1_500);
    }

    @Test
    void ofCurve_aDropOnlyAfterTheNextChange_isNotThisChangesDrop() {
        LongToDoubleFunction acc = n -> n <= 8_000 ? 0.9 : n < 9_000 ? 0.6 : 0.9;
        Figures f = DriftFigures.ofCurve(curve(12_000, acc), 12_000,
                List.of(new Change(4_000, 1), new Change(8_000, 1)), 500);

        assertThat(f.recoveries()).extracting(DriftFigures.Recovery::examples).containsExactly(0L, 1_000L);
    }

    @Test
    void ofCurve_gradualChange_startsHalfItsWidthBeforeItsPosition() {
        LongToDoubleFunction acc = n -> n <= 4_000 ? 0.9 : n < 7_000 ? 0.7 : 0.9;
        Figures f = DriftFigures.ofCurve(curve(10_000, acc), 10_000, List.of(new Change(5_000, 2_000)), 500);

        assertThat(new Change(5_000, 2_000).start()).isEqualTo(4_000);
        assertThat(f.recoveries().get(0).level()).isEqualTo(0.9);
        assertThat(f.recoveryExamples()).isEqualTo(3_000);
    }

    @Test
    void ofCurve_minWindow_ignoresTheFirstWindowWhileItFills() {
        Figures f = DriftFigures.ofCurve(curve(2_000, n -> n < 500 ? 0.2 : n == 1_500 ? 0.7 : 0.9), 2_000, List.of(), 500);

        assertThat(f.minWindowAccuracy()).isEqualTo(0.7);
        assertThat(f.recoveries()).isEmpty();
        assertThat(f.asMap()).doesNotContainKeys("recoveryExamples", "unrecoveredChanges");
    }

    @Test
    void ofCurve_prequential_isTheMeanOfTheTilingWindows_orAbsentWithoutThem() {
        // windows ending at 500, 1000, 1500, 2000: 0.8, 0.9, 0.7, 1.0; the points in between do not count
        List<Point> curve = curve(2_000, n -> switch ((int) n) {
            case 500 -> 0.8;
            case 1_000 -> 0.9;
            case 1_500 -> 0.7;
            case 2_000 -> 1.0;
            default -> 0.1;
        });
        assertThat(DriftFigures.ofCurve(curve, 2_000, List.of(), 500).prequentialAccuracy()).isCloseTo(0.85, within(1e-12));

        List<Point> gap = new ArrayList<>(curve);
        gap.removeIf(p -> p.examples() == 1_000);
        assertThat(DriftFigures.ofCurve(gap, 2_000, List.of(), 500).prequentialAccuracy()).isNaN();
        assertThat(DriftFigures.ofCurve(gap, 2_000, List.of(), 500).asMap()).doesNotContainKey("prequentialAccuracy");
        assertThat(DriftFigures.ofCurve(curve, 2_050, List.of(), 500).prequentialAccuracy()).isNaN();
    }

    @Test
    void ofCurve_changeBeforeTheFirstPoint_isNotMeasured() {
        Figures f = DriftFigures.ofCurve(curve(2_000, n -> 0.9), 2_000, List.of(new Change(50, 1)), 500);

        assertThat(f.recoveries()).isEmpty();
        assertThat(f.recoveryExamples()).isEqualTo(-1);
    }

    @Test
    void ofCurve_pointsOutOfOrder_areRefused() {
        assertThatThrownBy(() -> DriftFigures.ofCurve(List.of(new Point(200, 1), new Point(100, 1)), 200, List.of(), 500))
                .hasMessage("curve points must be in increasing examples, got 200 then 100");
    }

    /** 3,000 outcomes: right except examples 1000..1299 (0-based), which are all wrong. */
    private static boolean[] plantedOutcomes() {
        boolean[] correct = new boolean[3_000];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = i < 1_000 || i >= 1_300;
        }
        return correct;
    }

    @Test
    void curve_ofOutcomes_isTheSlidingWindowEveryHundredExamples() {
        boolean[] correct = plantedOutcomes();
        long[] positions = new long[correct.length];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }

        List<Point> curve = DriftFigures.curve(positions, correct, 500, 100);

        assertThat(curve).hasSize(30);
        assertThat(curve.get(0)).isEqualTo(new Point(100, 1.0)); // a window still filling: 100 of 100
        assertThat(curve.get(12)).isEqualTo(new Point(1_300, 200.0 / 500)); // 1000..1299 wrong
        assertThat(curve.get(17)).isEqualTo(new Point(1_800, 1.0)); // the wrong ones left the window
        Figures f = DriftFigures.ofOutcomes(positions, correct, 3_000, List.of(new Change(1_000, 1)), 500, 100);
        assertThat(f.prequentialAccuracy()).isEqualTo(2_700.0 / 3_000);
        // back within 3 points of 1.0 when at most 15 of the last 500 are wrong: at 1800
        assertThat(f.recoveryExamples()).isEqualTo(800);
        assertThat(f.minWindowAccuracy()).isEqualTo(200.0 / 500);
        assertThat(f.asMap()).containsOnlyKeys("prequentialAccuracy", "recoveryExamples", "unrecoveredChanges",
                "minWindowAccuracy");
    }

    @Test
    void ofOutcomes_anyOrderAndGaps_sortByPositionAndKeepTheStreamsCoordinates() {
        boolean[] correct = plantedOutcomes();
        int n = correct.length;
        long[] positions = new long[n];
        boolean[] shuffled = new boolean[n];
        // reversed order, and each outcome at twice its index (a stream where every other example was dropped)
        for (int i = 0; i < n; i++) {
            positions[n - 1 - i] = 2L * i;
            shuffled[n - 1 - i] = correct[i];
        }

        List<Point> curve = DriftFigures.curve(positions, shuffled, 500, 100);

        assertThat(curve.get(12)).isEqualTo(new Point(2 * 1_299 + 1, 200.0 / 500));
        Map<String, Double> figures = DriftFigures.ofOutcomes(positions, shuffled, 6_000,
                List.of(new Change(2_000, 1)), 500, 100).asMap();
        assertThat(figures).containsEntry("recoveryExamples", 1_600.0 - 1).containsEntry("prequentialAccuracy", 0.9);
    }

    @Test
    void curve_repeatedPosition_isRefused() {
        assertThatThrownBy(() -> DriftFigures.curve(new long[] {3, 3}, new boolean[] {true, false}, 500, 100))
                .hasMessage("position 3 has two outcomes");
    }
}
