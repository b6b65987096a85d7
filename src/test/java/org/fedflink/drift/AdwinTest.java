package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ADWIN against MOA 2024.07's {@code ADWIN} and {@code ADWINChangeDetector} on the streams of
 * {@link DriftStreams}. The figures marked "MOA" were printed by
 * src/test/resources/org/fedflink/drift/MoaReference.java (how to run it is in its header); the
 * algorithm is deterministic, so the detection indices, the window widths after each detection and
 * the final mean and variance must agree exactly.
 */
class AdwinTest {

    /** Each detection as {index, width after it}. */
    private static List<long[]> detections(Adwin adwin, double[] stream, int from) {
        List<long[]> hits = new ArrayList<>();
        for (int i = from; i < stream.length; i++) {
            if (adwin.update(stream[i])) {
                hits.add(new long[] {i, adwin.width()});
            }
        }
        return hits;
    }

    private static List<long[]> detections(AdwinConfig config, double[] stream) {
        return detections(config.create(), stream, 0);
    }

    /** The window as MOA printed it: width, estimation and variance, to the last bit. */
    private static void assertWindow(Adwin adwin, long width, double estimation, double variance) {
        assertThat(adwin.width()).isEqualTo(width);
        assertThat(adwin.estimation()).isEqualTo(estimation);
        assertThat(adwin.variance()).isEqualTo(variance);
    }

    private static long[][] hits(long... indexAndWidth) {
        long[][] out = new long[indexAndWidth.length / 2][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[] {indexAndWidth[2 * i], indexAndWidth[2 * i + 1]};
        }
        return out;
    }

    @Test
    void update_errorStep_detectsAtMoasIndices() {
        Adwin adwin = AdwinConfig.defaults().create();

        List<long[]> hits = detections(adwin, DriftStreams.errorStep(), 0);

        // MOA: [1023+256, 1055+96, 1087+112]; width 1024, estimation 0.7841796875, variance 0.16924190521240248
        assertThat(hits).containsExactly(hits(1023, 256, 1055, 96, 1087, 112));
        assertWindow(adwin, 1024, 0.7841796875, 0.16924190521240248);
        assertThat(adwin.observations()).isEqualTo(2000);
    }

    @Test
    void update_lossLevels_detectsRisesAndFallsAtMoasIndices() {
        Adwin adwin = AdwinConfig.defaults().create();

        List<long[]> hits = detections(adwin, DriftStreams.lossLevels(), 0);

        // MOA: [2047+160, 2079+112, 4031-64, 4063-80]; width 2016, estimation 0.40119017339256,
        // variance 0.09475975971608626
        assertThat(hits).containsExactly(hits(2047, 160, 2079, 112, 4031, 64, 4063, 80));
        assertWindow(adwin, 2016, 0.40119017339256, 0.09475975971608626);
    }

    @Test
    void update_modeUp_reportsAsMoasChangeDetector_andModeDownTheFalls() {
        AdwinConfig up = AdwinConfig.builder().mode(Mode.UP).build();
        AdwinConfig down = AdwinConfig.builder().mode(Mode.DOWN).build();

        // MOA ADWINChangeDetector: errorStep [1023, 1055, 1087], lossLevels [2047, 2079]
        assertThat(detections(up, DriftStreams.errorStep())).containsExactly(hits(1023, 256, 1055, 96, 1087, 112));
        assertThat(detections(up, DriftStreams.lossLevels())).containsExactly(hits(2047, 160, 2079, 112));
        // MOA ADWIN.setInput's cuts that lowered the estimate: 4031 and 4063
        assertThat(detections(down, DriftStreams.errorStep())).isEmpty();
        assertThat(detections(down, DriftStreams.lossLevels())).containsExactly(hits(4031, 64, 4063, 80));
        // the window shrinks at every cut whatever is reported
        Adwin quiet = down.create();
        detections(quiet, DriftStreams.errorStep(), 0);
        assertThat(quiet.width()).isEqualTo(1024);
    }

    @Test
    void update_otherSettings_detectAtMoasIndices() {
        AdwinConfig fast = AdwinConfig.builder().delta(0.1).clock(1).build();
        AdwinConfig longer = AdwinConfig.builder().clock(1).minWindowLength(10).build();
        AdwinConfig every4 = AdwinConfig.builder().delta(0.1).clock(4).build();

        // MOA with ADWIN(0.1) and setClock(1)
        assertThat(detections(fast, DriftStreams.errorStep()))
                .containsExactly(hits(1015, 88, 1016, 73, 1018, 67, 1019, 52, 1020, 45, 1021, 38, 1053, 62));
        // MOA with setClock(1) and mintMinWinLength 10
        assertThat(detections(longer, DriftStreams.errorStep()))
                .containsExactly(hits(1029, 262, 1030, 135, 1033, 122, 1036, 109, 1039, 96, 1053, 94, 1549, 526));
        // MOA with ADWIN(0.1) and setClock(4)
        Adwin adwin = every4.create();
        assertThat(detections(adwin, DriftStreams.lossLevels(), 0)).containsExactly(hits(
                2019, 292, 2023, 136, 2027, 76, 2031, 64, 2051, 68, 4011, 124, 4015, 48, 4019, 44, 4023, 40, 4027, 36));
        assertWindow(adwin, 2008, 0.39777588951790643, 0.09185099527496951);
    }

    @Test
    void update_bigJump_detectsAtMoasIndices() {
        // values of 1000: the window's variance, and so every bound, is large. MOA with setClock(1).
        Adwin adwin = AdwinConfig.builder().clock(1).build().create();

        assertThat(detections(adwin, DriftStreams.bigJump(), 0))
                .containsExactly(hits(102, 87, 103, 64, 104, 49, 105, 42, 106, 31, 107, 28, 108, 25, 109, 22, 112, 21));
        assertWindow(adwin, 28, 714.2857142857143, 204081.63265306127);
    }

    @Test
    void update_minWindowLength1_cutsOnlyBetweenSubWindowsOfMoreThanTwo() {
        // With minWindowLength 1 the bound no longer keeps the smallest sub-windows out, and the
        // rule does: MOA's more than minWindowLength + 1 on each side gives these cuts; River's
        // "at least min_window_length" would give [100:13, 103:12, 107:12, 111:12].
        // MOA with setClock(1) and mintMinWinLength 1.
        Adwin adwin = AdwinConfig.builder().clock(1).minWindowLength(1).build().create();

        assertThat(detections(adwin, DriftStreams.bigJump(), 0))
                .containsExactly(hits(100, 45, 101, 22, 102, 15, 103, 12, 107, 12, 111, 12));
        assertWindow(adwin, 20, 1000.0, 0.0);
    }

    @Test
    void update_stationaryStream_raisesNoMoreFalseAlarmsThanTheBoundAllows() {
        Adwin adwin = AdwinConfig.defaults().create();

        List<long[]> hits = detections(adwin, DriftStreams.stationaryErrors(), 0);

        // Bifet and Gavaldà's Theorem 3.1: under no change a check shrinks the window with
        // probability at most delta, so 100,000 / 32 checks allow 0.002 * 3125 = 6.25 on average.
        // MOA: none, and the window keeps all 100,000 (mean 0.30051, variance 0.21020373989999971).
        assertThat(hits).hasSizeLessThanOrEqualTo(6).isEmpty();
        assertWindow(adwin, 100_000, 0.30051, 0.21020373989999971);
    }

    @Test
    void update_windowOfMillions_keepsTheExactVariance_whereMoasIntProductsOverflow() {
        double[] stream = DriftStreams.longStep();
        Adwin adwin = AdwinConfig.defaults().create();
        int first = 0;
        while (!adwin.update(stream[first])) {
            first++;
        }

        // MOA: first detection at 1500063, width 112, estimation 0.6696428571428571, but variance
        // 0.2531661607323: its int products overflow when buckets of 2^16 merge and when the cut
        // drops buckets of 2^17 and more from a window of 1.5 million, so the squared deviations
        // it subtracts are wrong. Here the window's variance is its values' variance.
        assertThat(first).isEqualTo(1_500_063);
        assertThat(adwin.width()).isEqualTo(112);
        assertThat(adwin.estimation()).isEqualTo(0.6696428571428571);
        double[] window = Arrays.copyOfRange(stream, first - 111, first + 1);
        double mean = Arrays.stream(window).average().orElseThrow();
        double variance = Arrays.stream(window).map(x -> (x - mean) * (x - mean)).sum() / window.length;
        // cancellation of sums over 1.5 million observations costs about 1e-10
        assertThat(adwin.variance()).isCloseTo(variance, within(1e-9)).isNotCloseTo(0.2531661607323, within(0.01));
    }

    @Test
    void update_stepFrom02To08_isDetectedWithinOneClockOfTheChange() {
        // the rate moves at index 1000; defaults check every 32 observations
        long first = detections(AdwinConfig.defaults(), DriftStreams.errorStep()).get(0)[0];
        long everyObservation = detections(AdwinConfig.builder().clock(1).build(), DriftStreams.errorStep()).get(0)[0];

        assertThat(first - 1000).isEqualTo(23).isLessThan(32);
        assertThat(everyObservation).isBetween(1000L, first);
    }

    @Test
    void update_windowWithinGracePeriod_testsNoCut() {
        Adwin adwin = AdwinConfig.builder().gracePeriod(2000).build().create();

        assertThat(detections(adwin, DriftStreams.errorStep(), 0)).isEmpty();
        assertThat(adwin.width()).isEqualTo(2000);
    }

    @Test
    void toState_longStream_growsWithTheLogarithmOfTheWindow() {
        for (int maxBuckets : new int[] {2, 5}) {
            Adwin adwin = AdwinConfig.builder().maxBuckets(maxBuckets).build().create();
            detections(adwin, DriftStreams.stationaryErrors(), 0);

            // 13 settings and figures, then per row of 2^r its count and up to M buckets of two
            double rows = Math.log(100_000.0 / maxBuckets) / Math.log(2) + 2;
            assertThat(adwin.toState().length).isLessThanOrEqualTo((int) (13 + rows * (1 + 2 * maxBuckets)));
        }
    }

    @Test
    void statistic_firstCut_isTheDifferenceOfTheSubWindowMeans() {
        // 64 zeros then 64 ones, one check, at the 128th observation. The histogram then holds
        // (oldest first) 4 buckets of 16 zeros, 4 of 8 ones, 5 of 4, 4 of 2, 4 of 1. Variance 0.25,
        // dd = ln(2 ln 128 / 0.002) = 8.48714. Cut after 16: |0 - 64/112| = 0.571 < epsilon 1.151;
        // after 32: |0 - 64/96| = 0.667 < 0.708; after 48: |0 - 64/80| = 0.8 > epsilon
        // sqrt(2 m 0.25 dd) + 2/3 dd m = 0.593 (m = 1/44 + 1/76). Then two more buckets of zeros go.
        Adwin adwin = AdwinConfig.builder().clock(128).build().create();
        double[] stream = DriftStreams.steps(new int[] {64, 64}, new double[] {0, 1});

        assertThat(detections(adwin, stream, 0)).containsExactly(hits(127, 80));
        assertThat(adwin.statistic()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void toState_layout_isVersionKindSettingsThenFigures() {
        Adwin adwin = AdwinConfig.builder().delta(0.01).clock(2).maxBuckets(3).minWindowLength(4).gracePeriod(7)
                .mode(Mode.DOWN).build().create();
        adwin.update(1);
        adwin.update(3);

        // version 1, adwin 1, settings (down = 2), 2 observations, no statistic, total 4,
        // squared deviations 2, one row of two buckets, oldest first: (1, 0) and (3, 0)
        assertThat(adwin.toState()).containsExactly(
                1, 1, 0.01, 2, 3, 4, 7, 2, 2, Double.NaN, 4, 2, 1, 2, 1, 0, 3, 0);
    }

    @Test
    void defaults_areRiversAndMoas() {
        AdwinConfig config = AdwinConfig.defaults();

        assertThat(config).isEqualTo(new AdwinConfig(0.002, 32, 5, 5, 10, Mode.BOTH));
        assertThat(config.name()).isEqualTo("adwin");
        assertThat(config.create().name()).isEqualTo("adwin");
    }

    @Test
    void config_outOfRange_namesTheSettingAndTheValue() {
        assertThatThrownBy(() -> AdwinConfig.builder().delta(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delta must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> AdwinConfig.builder().delta(1).build())
                .hasMessage("delta must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> AdwinConfig.builder().delta(Double.NaN).build())
                .hasMessage("delta must be in (0, 1), got NaN");
        assertThatThrownBy(() -> AdwinConfig.builder().clock(0).build()).hasMessage("clock must be >= 1, got 0");
        assertThatThrownBy(() -> AdwinConfig.builder().maxBuckets(0).build())
                .hasMessage("maxBuckets must be >= 1, got 0");
        assertThatThrownBy(() -> AdwinConfig.builder().minWindowLength(0).build())
                .hasMessage("minWindowLength must be >= 1, got 0");
        assertThatThrownBy(() -> AdwinConfig.builder().gracePeriod(-1).build())
                .hasMessage("gracePeriod must be >= 0, got -1");
        assertThatThrownBy(() -> AdwinConfig.builder().mode(null).build())
                .hasMessage("mode is required (up, down or both)");
        assertThatThrownBy(() -> new Adwin(null)).hasMessage("config is required");
    }

    @Test
    void toBuilder_keepsEverySetting() {
        AdwinConfig config = new AdwinConfig(0.01, 2, 3, 4, 7, Mode.UP);

        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.create().config()).isEqualTo(config);
        assertThat(Adwin.fromState(config.create().toState()).config()).isEqualTo(config);
    }

    @Test
    void toString_showsEverySetting() {
        Adwin adwin = new AdwinConfig(0.01, 2, 3, 4, 7, Mode.UP).create();
        adwin.update(1);

        assertThat(adwin).hasToString("Adwin[delta=0.01, clock=2, maxBuckets=3, minWindowLength=4, gracePeriod=7, "
                + "mode=up; observations=1, width=1]");
        assertThat(adwin.config()).hasToString(
                "AdwinConfig[delta=0.01, clock=2, maxBuckets=3, minWindowLength=4, gracePeriod=7, mode=up]");
    }

    @Test
    void estimation_emptyWindow_isNaN() {
        Adwin adwin = AdwinConfig.defaults().create();

        assertThat(adwin.estimation()).isNaN();
        assertThat(adwin.variance()).isNaN();
        assertThat(adwin.width()).isZero();
    }

    @Test
    void fromState_damagedHistogram_saysWhatIsWrong() {
        double[] state = AdwinConfig.defaults().create().toState();
        double[] tooMany = state.clone();
        tooMany[13] = 6; // row 0 claims more buckets than maxBuckets 5
        Adwin twoRows = AdwinConfig.defaults().create();
        for (int i = 0; i < 6; i++) {
            twoRows.update(1);
        }
        double[] emptyOldest = twoRows.toState();
        // rows 2: row 0 holds 4 buckets of 1, row 1 one bucket of 2; empty row 1
        emptyOldest[emptyOldest.length - 3] = 0;

        assertThatThrownBy(() -> Adwin.fromState(tooMany)).hasMessage("adwin state has an invalid bucket count: 6.0");
        assertThatThrownBy(() -> Adwin.fromState(Arrays.copyOf(emptyOldest, emptyOldest.length - 2)))
                .hasMessage("adwin state has an empty oldest row (2 rows)");
    }
}
