package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.junit.jupiter.api.Test;

/** {@link DriftReaction}: when a learner restarts, and what its schedule does then. */
class DriftReactionTest {

    private static final DriftSettings ADWIN = new DriftSettings(DriftSettings.adwin(0.002), true, true);

    /** 0/1 errors of rate 0.1 for 2,000 examples, then of rate 0.6: a classifier whose concept changed. */
    private static double[] plantedStep() {
        return DriftStreams.bernoulli(21, new int[] {2000, 2000}, new double[] {0.1, 0.6});
    }

    /** The steps (1-based counts) at which the learner restarted when fed {@code errors} as a classifier. */
    private static List<Long> restarts(DriftReaction reaction, double[] errors, long firstStep) {
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < errors.length; i++) {
            long steps = firstStep + i + 1;
            if (reaction.observe(steps, Double.NaN, errors[i] == 0)) {
                at.add(steps);
            }
        }
        return at;
    }

    @Test
    void observe_plantedStepOfTheError_restartsTheScheduleSoonAfterIt() {
        DriftReaction reaction = DriftReaction.of(ADWIN, true, 0, 0, null);
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.inverseSqrt(0.1, 0.01), 1e-8);

        List<Long> at = restarts(reaction, plantedStep(), 0);

        assertThat(at).isNotEmpty();
        long first = at.get(0);
        System.out.printf("DriftReactionTest: ADWIN restarted at steps %s (change after 2000)%n", at);
        // none before the change; the first within 200 examples after it (ADWIN checks every 32)
        assertThat(first).isGreaterThan(2000).isLessThanOrEqualTo(2200);
        assertThat(at).hasSizeLessThanOrEqualTo(2);
        long last = at.get(at.size() - 1);
        assertThat(reaction.scheduleStart()).isEqualTo(last);
        assertThat(reaction.statistic()).isPositive();
        assertThat(reaction.detectorName()).isEqualTo("adwin");
        // the next step is step 0 of the schedule again: the full rate, not the decayed one
        assertThat(reaction.scheduleStep(last)).isZero();
        assertThat(adagrad.learningRate(reaction.scheduleStep(last))).isEqualTo(adagrad.learningRate(0));
        assertThat(adagrad.learningRate(reaction.scheduleStep(last + 10))).isEqualTo(adagrad.learningRate(10));
        assertThat(adagrad.learningRate(last)).isLessThan(adagrad.learningRate(0));
    }

    @Test
    void observe_stationaryErrors_neverRestarts() {
        DriftReaction reaction = DriftReaction.of(ADWIN, true, 0, 0, null);

        double[] errors = DriftStreams.bernoulli(22, new int[] {20_000}, new double[] {0.2});

        assertThat(restarts(reaction, errors, 0)).isEmpty();
        assertThat(reaction.scheduleStart()).isZero();
        assertThat(reaction.scheduleStep(20_000)).isEqualTo(20_000);
    }

    @Test
    void observe_pageHinkley_restartsAfterTheStepToo() {
        DriftSettings ph = new DriftSettings(DriftSettings.pageHinkley(50), true, true);
        DriftReaction reaction = DriftReaction.of(ph, true, 0, 0, null);

        List<Long> at = restarts(reaction, plantedStep(), 0);

        System.out.printf("DriftReactionTest: Page-Hinkley restarted at steps %s (change after 2000)%n", at);
        assertThat(at).isNotEmpty();
        assertThat(at.get(0)).isGreaterThan(2000).isLessThanOrEqualTo(2300);
        assertThat(reaction.detectorName()).isEqualTo("page-hinkley");
    }

    @Test
    void observe_notWatchingSources_neverRestarts() {
        for (DriftSettings settings : List.of(DriftSettings.none(),
                new DriftSettings(DriftSettings.adwin(0.002), false, true))) {
            DriftReaction reaction = DriftReaction.of(settings, true, 0, 0, null);
            assertThat(reaction.detects()).isFalse();
            assertThat(restarts(reaction, plantedStep(), 0)).isEmpty();
            assertThat(reaction.detectorState()).isNull();
            assertThat(reaction.statistic()).isNaN();
        }
    }

    @Test
    void observe_regression_feedsTheLossAndSkipsOneThatIsNotFinite() {
        DriftReaction reaction = DriftReaction.of(ADWIN, false, 0, 0, null);
        double[] losses = DriftStreams.gaussian(23, new int[] {2000, 2000}, new double[] {0.5, 2.0}, 0.3);
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            // "correct" means nothing for regression: the loss is what is watched
            if (reaction.observe(i + 1, losses[i], true)) {
                at.add((long) i + 1);
            }
            assertThat(reaction.observe(i + 1, Double.POSITIVE_INFINITY, true)).isFalse();
            assertThat(reaction.observe(i + 1, Double.NaN, false)).isFalse();
        }
        assertThat(at).isNotEmpty();
        assertThat(at.get(0)).isGreaterThan(2000).isLessThanOrEqualTo(2100);
    }

    @Test
    void followFederation_restartsOnlyForACountAboveTheOneFollowed() {
        DriftReaction reaction = DriftReaction.of(ADWIN, true, 0, 0, null);

        assertThat(reaction.followFederation(50, 0)).isFalse();
        assertThat(reaction.followFederation(60, 2)).isTrue();
        assertThat(reaction.scheduleStart()).isEqualTo(60);
        assertThat(reaction.federationDrifts()).isEqualTo(2);
        assertThat(reaction.followFederation(70, 2)).isFalse();
        assertThat(reaction.followFederation(80, 1)).isFalse();
        assertThat(reaction.scheduleStart()).isEqualTo(60);
        assertThat(reaction.scheduleStep(75)).isEqualTo(15);
        // also when the source does not watch itself: the federation's drifts are everyone's
        DriftReaction blind = DriftReaction.of(DriftSettings.none(), true, 0, 0, null);
        assertThat(blind.followFederation(5, 1)).isTrue();
    }

    @Test
    void of_itsOwnState_continuesIdentically() {
        double[] errors = plantedStep();
        DriftReaction original = DriftReaction.of(ADWIN, true, 0, 0, null);
        restarts(original, java.util.Arrays.copyOf(errors, 1500), 0);
        original.followFederation(1500, 3);

        DriftReaction restored = DriftReaction.of(ADWIN, true, original.scheduleStart(), original.federationDrifts(),
                original.detectorState());
        double[] rest = java.util.Arrays.copyOfRange(errors, 1500, errors.length);

        assertThat(restarts(restored, rest, 1500)).isEqualTo(restarts(original, rest, 1500)).isNotEmpty();
        assertThat(restored.scheduleStart()).isEqualTo(original.scheduleStart());
        assertThat(restored.federationDrifts()).isEqualTo(3);
        assertThat(restored.detectorState()).isEqualTo(original.detectorState());
    }

    @Test
    void of_stateOfOtherSettings_startsAFreshDetector_andRefusesNegativeCounts() {
        DriftReaction original = DriftReaction.of(ADWIN, true, 0, 0, null);
        restarts(original, java.util.Arrays.copyOf(plantedStep(), 1000), 0);
        DriftSettings other = new DriftSettings(DriftSettings.adwin(0.01), true, true);

        DriftDetector carried = other.restore(original.detectorState());
        assertThat(carried.config()).isEqualTo(other.detector());
        assertThat(carried.observations()).isZero();
        assertThat(ADWIN.restore(original.detectorState()).observations()).isEqualTo(1000);
        assertThatThrownBy(() -> DriftReaction.of(ADWIN, true, -1, 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheduleStart and federationDrifts must be >= 0, got -1 and 0");
    }

    @Test
    void error_isTheZeroOneErrorOfAClassifierAndTheLossOfARegression() {
        assertThat(DriftSettings.error(true, 3.5, true)).isZero();
        assertThat(DriftSettings.error(true, 0.1, false)).isEqualTo(1);
        assertThat(DriftSettings.error(false, 3.5, true)).isEqualTo(3.5);
        assertThat(DriftSettings.error(false, Double.NaN, true)).isNaN();
        assertThat(DriftSettings.error(false, Double.NEGATIVE_INFINITY, true)).isNaN();
    }
}
