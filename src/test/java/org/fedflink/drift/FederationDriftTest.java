package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FederationDrift}: the server's detections, its count and the small rounds after one. */
class FederationDriftTest {

    private static final DriftSettings ADWIN = new DriftSettings(DriftSettings.adwin(0.002), true, true);

    /** The examples (1-based) at which a detection came when fed {@code errors} as a classifier. */
    private static List<Integer> detections(FederationDrift drift, double[] errors) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < errors.length; i++) {
            if (drift.observe(Double.NaN, errors[i] == 0)) {
                at.add(i + 1);
            }
        }
        return at;
    }

    @Test
    void observe_plantedStep_countsOneDriftAndShrinksTheNextRounds() {
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null);
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
        FederationDrift drift = FederationDrift.of(ADWIN, true, 1, FederationDrift.SMALL_ROUNDS, null);

        assertThat(drift.roundTarget(10, 1)).isEqualTo(3);
        assertThat(drift.roundTarget(2, 1)).isEqualTo(1);
        assertThat(drift.roundTarget(10, 7)).isEqualTo(7);
        assertThat(drift.roundTarget(10, 0)).isEqualTo(3);
        assertThat(FederationDrift.of(ADWIN, true, 1, 0, null).roundTarget(10, 1)).isEqualTo(10);
    }

    @Test
    void observe_stationaryErrors_detectNothing_andRoundsKeepTheirSize() {
        FederationDrift drift = FederationDrift.of(ADWIN, true, 0, 0, null);

        assertThat(detections(drift, DriftStreams.bernoulli(32, new int[] {50_000}, new double[] {0.25}))).isEmpty();
        assertThat(drift.drifts()).isZero();
        assertThat(drift.roundTarget(40, 1)).isEqualTo(40);
    }

    @Test
    void observe_notWatchingTheFederation_detectsNothing() {
        double[] errors = DriftStreams.bernoulli(31, new int[] {4000, 1000}, new double[] {0.15, 0.7});
        for (DriftSettings settings : List.of(DriftSettings.none(),
                new DriftSettings(DriftSettings.pageHinkley(50), true, false))) {
            FederationDrift drift = FederationDrift.of(settings, true, 2, 0, null);
            assertThat(drift.detects()).isFalse();
            assertThat(detections(drift, errors)).isEmpty();
            assertThat(drift.drifts()).isEqualTo(2);
            assertThat(drift.detectorState()).isNull();
            assertThat(drift.detectorName()).isNull();
        }
    }

    @Test
    void of_itsOwnState_continuesIdentically() {
        double[] errors = DriftStreams.bernoulli(31, new int[] {4000, 1000}, new double[] {0.15, 0.7});
        FederationDrift original = FederationDrift.of(ADWIN, true, 5, 0, null);
        detections(original, java.util.Arrays.copyOf(errors, 3900));

        FederationDrift restored = FederationDrift.of(ADWIN, true, original.drifts(), original.smallRoundsLeft(),
                original.detectorState());
        double[] rest = java.util.Arrays.copyOfRange(errors, 3900, errors.length);

        assertThat(detections(restored, rest)).isEqualTo(detections(original, rest)).hasSize(1);
        assertThat(restored.drifts()).isEqualTo(6);
        assertThat(restored.smallRoundsLeft()).isEqualTo(FederationDrift.SMALL_ROUNDS);
        assertThat(restored.statistic()).isEqualTo(original.statistic());
    }
}
