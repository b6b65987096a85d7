package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FederationDrift}: the server's detections, its count and the small rounds after one. */
class FederationDriftTest {

    private static final DriftSettings ADWIN = new DriftSettings(DriftSettings.adwin(0.002), true, true);

    /**
     * The examples (1-based) at which a detection came when fed {@code errors} as a classifier,
     * from four sources in turn.
     */
    private static List<Integer> detections(FederationDrift drift, double[] errors) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < errors.length; i++) {
            if (drift.observe("s" + (i % 4), Double.NaN, errors[i] == 0)) {
                at.add(i + 1);
            }
        }
        return at;
    }

    @Test
    void observe_plantedStep_countsOneDriftAndShrinksTheNextRounds() {
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null, null);
        double[] errors = DriftStreams.bernoulli(31, new int[] {4000, 1000}, new double[] {0.15, 0.7});

        List<Integer> at = detections(drift, errors);

        System.out.printf("FederationDriftTest: detected at examples %s (change after 4000)%n", at);
        assertThat(at).hasSize(1);
        assertThat(at.get(0)).isGreaterThan(4000).isLessThanOrEqualTo(4200);
        assertThat(drift.drifts()).isEqualTo(1);
        assertThat(drift.statistic()).isPositive();
        // the next 4 rounds close at a quarter of 40 (never below the strategy's minimum), then 40 again
        List<Integer> targets = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            drift.roundClosed();
            targets.add(drift.roundTarget(40, 3));
        }
        assertThat(targets).containsExactly(10, 10, 10, 40, 40, 40);
    }

    @Test
    void roundTarget_afterADetection_isAQuarterRoundedUp_atLeastTheStrategysMinimum() {
        FederationDrift drift = FederationDrift.of(ADWIN, true, 1, FederationDrift.SMALL_ROUNDS, null, null);

        assertThat(drift.roundTarget(10, 1)).isEqualTo(3);
        assertThat(drift.roundTarget(2, 1)).isEqualTo(1);
        assertThat(drift.roundTarget(10, 7)).isEqualTo(7);
        assertThat(drift.roundTarget(10, 0)).isEqualTo(3);
        assertThat(FederationDrift.of(ADWIN, true, 1, 0, null, null).roundTarget(10, 1)).isEqualTo(10);
    }

    @Test
    void observe_stationaryErrors_detectNothing_andRoundsKeepTheirSize() {
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null, null);

        assertThat(detections(drift, DriftStreams.bernoulli(32, new int[] {50_000}, new double[] {0.25}))).isEmpty();
        assertThat(drift.drifts()).isZero();
        assertThat(drift.roundTarget(40, 1)).isEqualTo(40);
    }

    @Test
    void observe_notWatchingTheFederation_detectsNothing() {
        double[] errors = DriftStreams.bernoulli(31, new int[] {4000, 1000}, new double[] {0.15, 0.7});
        for (DriftSettings settings : List.of(DriftSettings.none(),
                new DriftSettings(DriftSettings.pageHinkley(50), true, false))) {
            FederationDrift drift = FederationDrift.of(settings, true, 2, 0, null, null);
            assertThat(drift.detects()).isFalse();
            assertThat(detections(drift, errors)).isEmpty();
            assertThat(drift.drifts()).isEqualTo(2);
            assertThat(drift.detectorState()).isNull();
            assertThat(drift.baselines()).isNull();
            assertThat(drift.detectorName()).isNull();
        }
    }

    @Test
    void of_itsOwnState_continuesIdentically() {
        double[] errors = DriftStreams.bernoulli(31, new int[] {4000, 1000}, new double[] {0.15, 0.7});
        FederationDrift original = FederationDrift.of(ADWIN, true, 5, 0, null, null);
        detections(original, java.util.Arrays.copyOf(errors, 3900));

        FederationDrift restored = FederationDrift.of(ADWIN, true, original.drifts(), original.smallRoundsLeft(),
                original.detectorState(), original.baselines());
        double[] rest = java.util.Arrays.copyOfRange(errors, 3900, errors.length);

        assertThat(detections(restored, rest)).isEqualTo(detections(original, rest)).hasSize(1);
        assertThat(restored.drifts()).isEqualTo(6);
        assertThat(restored.smallRoundsLeft()).isEqualTo(FederationDrift.SMALL_ROUNDS);
        assertThat(restored.statistic()).isEqualTo(original.statistic());
    }

    /**
     * Two sources of one concept, one harder than the other, whose updates arrive in bursts of
     * changing length (as the load of the machines has it): the pooled error rises and falls with
     * the mix, with no change of concept. Fed their raw errors, ADWIN takes such a rise for a
     * drift; fed each error's excess over its source's level, it does not. A real change of both
     * sources is still seen within a few hundred examples.
     */
    @Test
    void observe_burstsOfAHarderSource_areNotADrift_butAChangeOfBothSourcesIs() {
        java.util.Random random = new java.util.Random(41);
        List<String> sources = new ArrayList<>();
        List<Boolean> correct = new ArrayList<>();
        int changeAt = -1;
        for (int burst = 0; sources.size() < 60_000; burst++) {
            // the easy source in short bursts early, the hard one in long bursts later: the mix moves
            boolean hard = burst % 2 == 1;
            int length = hard ? 100 + burst * 4 : 400;
            for (int i = 0; i < length; i++) {
                boolean changed = sources.size() >= 50_000;
                if (changed && changeAt < 0) {
                    changeAt = sources.size();
                }
                double error = (hard ? 0.35 : 0.05) + (changed ? 0.3 : 0);
                sources.add(hard ? "hard" : "easy");
                correct.add(random.nextDouble() >= error);
            }
        }
        DriftDetector raw = ADWIN.restore(null);
        int rawBeforeChange = 0;
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null, null);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            if (raw.update(correct.get(i) ? 0 : 1) && i < changeAt) {
                rawBeforeChange++;
                raw.reset();
            }
            if (drift.observe(sources.get(i), Double.NaN, correct.get(i))) {
                at.add(i);
            }
        }

        System.out.printf("FederationDriftTest: raw errors detected %d times before the change; excesses at %s"
                + " (change at %d)%n", rawBeforeChange, at, changeAt);
        assertThat(rawBeforeChange).as("the mix alone moves the raw error").isPositive();
        assertThat(at).hasSize(1);
        assertThat(at.get(0)).isGreaterThanOrEqualTo(changeAt).isLessThanOrEqualTo(changeAt + 500);
        assertThat(drift.baselines().sources()).containsExactly("easy", "hard");
    }

    @Test
    void observe_aSourcesFirstExamples_onlySetItsLevel() {
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null, null);
        // a new source that is wrong on everything: no history to rise above, nothing detected
        for (int i = 0; i < SourceBaselines.WARM_UP; i++) {
            assertThat(drift.observe("late", Double.NaN, false)).isFalse();
        }
        assertThat(drift.detectorState()).isEqualTo(ADWIN.restore(null).toState());
        assertThat(drift.baselines().examples()).containsExactly(SourceBaselines.WARM_UP);
    }

    /**
     * Sources that learn: each one's error falls from 0.5 to 0.1 over its first 2,000 examples, then
     * holds. Their errors run below their lagging levels while they learn and come back up to them
     * as learning slows, a rise ADWIN can find; the recent errors are not above their levels by 3
     * points, so it is no drift.
     */
    @Test
    void observe_sourcesThatLearnThenHold_detectNothing() {
        java.util.Random random = new java.util.Random(43);
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null, null);
        int[] seen = new int[4];
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < 80_000; i++) {
            int source = (i / 20) % 4;
            double error = 0.1 + 0.4 * Math.max(0, 1 - seen[source]++ / 2000.0);
            if (drift.observe("s" + source, Double.NaN, random.nextDouble() >= error)) {
                at.add(i);
            }
        }

        assertThat(at).isEmpty();
    }

    /** Losses: a rise needs a tenth of the sources' level, whatever the scale of the loss. */
    @Test
    void observe_losses_aRiseIsATenthOfTheLevel() {
        DriftSettings settings = new DriftSettings(DriftSettings.adwin(0.002), true, true);
        for (double scale : new double[] {1, 10, 100}) {
            FederationDrift drift = FederationDrift.of(settings, false, 0, 0, null, null);
            java.util.Random random = new java.util.Random(44);
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                // level 1, then 1.02 (under a tenth) from 10,000, then 1.5 from 20,000
                double mean = i < 10_000 ? 1 : i < 20_000 ? 1.02 : 1.5;
                double loss = scale * Math.max(0, mean + 0.2 * random.nextGaussian());
                if (drift.observe("s" + (i % 3), loss, false)) {
                    at.add(i);
                }
            }
            assertThat(at).as("scale %s", scale).hasSize(1);
            assertThat(at.get(0)).as("scale %s", scale).isBetween(20_000, 20_300);
        }
    }

    /** An update's examples fed at once detect where the same examples fed one by one do. */
    @Test
    void observeUpdate_detectsWhereObserveDoes() {
        double[] errors = DriftStreams.bernoulli(31, new int[] {4000, 1000}, new double[] {0.15, 0.7});
        FederationDrift oneByOne = FederationDrift.of(ADWIN, true, 0, 0, null, null);
        FederationDrift byUpdate = FederationDrift.of(ADWIN, true, 0, 0, null, null);
        List<Double> expected = new ArrayList<>();
        List<Double> actual = new ArrayList<>();
        for (int start = 0; start < errors.length; start += 20) {
            String source = "s" + (start / 20 % 4);
            float[] losses = new float[20];
            long[] correct = new long[1];
            for (int i = 0; i < 20; i++) {
                // a NaN loss now and then: its example counts for neither
                losses[i] = (start + i) % 97 == 0 ? Float.NaN : 0.5f;
                boolean right = errors[start + i] == 0;
                correct[0] |= right ? 1L << i : 0;
                if (oneByOne.observe(source, losses[i], right)) {
                    expected.add(oneByOne.statistic());
                }
            }
            actual.addAll(byUpdate.observeUpdate(source, losses, correct));
        }

        assertThat(actual).hasSize(1).isEqualTo(expected);
        assertThat(byUpdate.baselines()).usingRecursiveComparison().isEqualTo(oneByOne.baselines());
        assertThat(byUpdate.detectorState()).isEqualTo(oneByOne.detectorState());
    }
}
