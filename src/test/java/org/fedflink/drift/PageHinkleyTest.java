package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Page-Hinkley against MOA 2024.07's {@code PageHinkleyDM} and River 0.26's update rule on the
 * streams of {@link DriftStreams}; the figures were printed by
 * src/test/resources/org/fedflink/drift/MoaReference.java (how to run it is in its header).
 *
 * <p>MOA tests the cumulative sum itself, this class (as River) the sum less its running minimum:
 * the two agree exactly when that minimum stays 0, as on noiseless steps with {@code delta = 0},
 * where the tests hold MOA's indices; elsewhere this form detects earlier, and the tests hold the
 * indices of River's rule beside MOA's.
 */
class PageHinkleyTest {

    private static final PageHinkleyConfig NO_DELTA = PageHinkleyConfig.builder().delta(0).build();

    private static List<Integer> detections(PageHinkley ph, double[] stream, int from) {
        List<Integer> hits = new ArrayList<>();
        for (int i = from; i < stream.length; i++) {
            if (ph.update(stream[i])) {
                hits.add(i);
            }
        }
        return hits;
    }

    private static List<Integer> detections(PageHinkleyConfig config, double[] stream) {
        return detections(config.create(), stream, 0);
    }

    private static PageHinkleyConfig mode(Mode mode) {
        return PageHinkleyConfig.builder().mode(mode).build();
    }

    @Test
    void update_noiselessStepsWithoutDelta_detectAtMoasIndices() {
        PageHinkley ph = NO_DELTA.create();

        // MOA PageHinkleyDM with delta 0: [1087, 2087]
        assertThat(detections(ph, DriftStreams.levelSteps(), 0)).containsExactly(1087, 2087);
        assertThat(ph.statistic()).isGreaterThan(50);
    }

    @Test
    void update_modeDown_isModeUpOfTheNegatedStream() {
        double[] falling = DriftStreams.negated(DriftStreams.levelSteps());

        // MOA on the rising steps [1087, 2087]; on the falling ones (its negation) []
        assertThat(detections(NO_DELTA.toBuilder().mode(Mode.DOWN).build(), falling)).containsExactly(1087, 2087);
        assertThat(detections(NO_DELTA, falling)).isEmpty();
        assertThat(detections(NO_DELTA.toBuilder().mode(Mode.BOTH).build(), falling)).containsExactly(1087, 2087);
    }

    @Test
    void update_defaults_detectAsRiversRule_andNoLaterThanMoa() {
        PageHinkley up = PageHinkleyConfig.defaults().create();

        // River's rule: errorStep [1076 @ 50.29761020847373]; MOA PageHinkleyDM: [1139]
        assertThat(detections(up, DriftStreams.errorStep(), 0)).containsExactly(1076);
        assertThat(up.statistic()).isCloseTo(50.29761020847373, within(1e-9));
        // River's rule: lossLevels up [2091], down [4079], both [2091, 4055];
        // MOA: [2155], and on the negated stream (its falls) [5309]
        assertThat(detections(mode(Mode.UP), DriftStreams.lossLevels())).containsExactly(2091);
        assertThat(detections(mode(Mode.DOWN), DriftStreams.lossLevels())).containsExactly(4079);
        assertThat(detections(mode(Mode.BOTH), DriftStreams.lossLevels())).containsExactly(2091, 4055);
        assertThat(detections(mode(Mode.DOWN), DriftStreams.errorStep())).isEmpty();
    }

    @Test
    void update_stationaryStream_falseAlarmsAsRiversRule() {
        // Page-Hinkley has no false-alarm guarantee; with River's defaults its forgetting sum
        // (memory about 1 / (1 - alpha) = 10,000 observations) wanders past lambda 50 now and then.
        // River's rule: up [20803, 50865, 66701, 87437], down 6 alarms, both 9.
        // MOA's PageHinkleyDM, whose sum is not measured from its minimum: none.
        double[] stream = DriftStreams.stationaryErrors();

        assertThat(detections(mode(Mode.UP), stream)).containsExactly(20803, 50865, 66701, 87437);
        assertThat(detections(mode(Mode.DOWN), stream)).containsExactly(17503, 23313, 26091, 28153, 75596, 96995);
        assertThat(detections(mode(Mode.BOTH), stream)).hasSize(9);
    }

    @Test
    void update_stepFrom02To08_isDetectedWithin80Observations() {
        // the rate moves at index 1000
        int first = detections(PageHinkleyConfig.defaults(), DriftStreams.errorStep()).get(0);

        assertThat(first - 1000).isEqualTo(76).isLessThan(80);
    }

    @Test
    void update_beforeMinInstances_reportsNothing() {
        // 10 zeros, then 100s: the sum passes threshold 1 at index 10 already. From the 30th
        // observation (index 29) it may report; MOA's PageHinkleyDM reports at index 28, its
        // m_n counting from 1.
        PageHinkleyConfig early = NO_DELTA.toBuilder().threshold(1).build();

        assertThat(detections(early, DriftStreams.earlyJump())).first().isEqualTo(29);
        assertThat(detections(early.toBuilder().minInstances(1).build(), DriftStreams.earlyJump()))
                .first()
                .isEqualTo(10);
    }

    @Test
    void update_afterDetection_startsAfresh() {
        double[] stream = DriftStreams.levelSteps();
        PageHinkley detected = NO_DELTA.create();
        assertThat(detections(detected, Arrays.copyOf(stream, 1088), 0)).containsExactly(1087);
        PageHinkley fresh = NO_DELTA.create();

        // from the next observation on, nothing before the detection counts
        assertThat(detections(detected, stream, 1088)).containsExactlyElementsOf(detections(fresh, stream, 1088));
        assertThat(detected.observations()).isEqualTo(3000);
        assertThat(fresh.observations()).isEqualTo(1912);
    }

    @Test
    void statistic_isTheCumulativeDeviationThatCrossed() {
        // minInstances 1, delta 0, alpha 1, threshold 1: x = 0, 0, 3. Means 0, 0, 1;
        // up sums 0, 0, 2 with minimum 0: 2 > 1 at the third observation.
        PageHinkley ph = new PageHinkleyConfig(1, 0, 1, 1, Mode.UP).create();

        assertThat(ph.update(0)).isFalse();
        assertThat(ph.update(0)).isFalse();
        assertThat(ph.statistic()).isNaN();
        assertThat(ph.update(3)).isTrue();
        assertThat(ph.statistic()).isEqualTo(2);
        // a fall: x = 3 (restart, mean 3), then 0: mean 1.5, down sum -1.5 below its maximum 0
        PageHinkley down = new PageHinkleyConfig(1, 0, 1, 1, Mode.DOWN).create();
        down.update(3);
        assertThat(down.update(0)).isTrue();
        assertThat(down.statistic()).isEqualTo(1.5);
    }

    @Test
    void toState_layout_isVersionKindSettingsThenFigures() {
        PageHinkley ph = new PageHinkleyConfig(1, 0, 1, 1, Mode.BOTH).create();
        ph.update(0);
        ph.update(3);

        // version 1, page-hinkley 2, settings (both = 3), 2 observations, statistic 1.5 (the up sum),
        // 2 since the restart, mean 1.5, up 1.5 / min 0, down 1.5 / max 1.5, detected, 1 since min(up)
        // summing 3
        assertThat(ph.toState()).containsExactly(1, 2, 1, 0, 1, 1, 3, 2, 1.5, 2, 1.5, 1.5, 0, 1.5, 1.5, 1, 1, 3);
        assertThat(ph.recentMean()).isEqualTo(3);
    }

    @Test
    void fromState_writtenBeforeTheMinimumWasKept_readsWithNoneSinceIt() {
        double[] old = {1, 2, 1, 0, 1, 1, 3, 2, 1.5, 2, 1.5, 1.5, 0, 1.5, 1.5, 1};

        PageHinkley ph = PageHinkley.fromState(old);

        assertThat(ph.recentMean()).isEqualTo(1.5);
        assertThat(ph.toState()).hasSize(18);
    }

    @Test
    void recentMean_afterARise_isTheMeanOfTheObservationsAfterTheChange() {
        PageHinkley ph = new PageHinkleyConfig(30, 0.005, 50, 1, Mode.UP).create();
        for (int i = 0; i < 2000; i++) {
            ph.update(0.2);
        }
        boolean detected = false;
        for (int i = 0; i < 200 && !detected; i++) {
            detected = ph.update(0.8);
        }

        assertThat(detected).isTrue();
        assertThat(ph.recentMean()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void defaults_areRiversButForTheMode() {
        PageHinkleyConfig config = PageHinkleyConfig.defaults();

        assertThat(config).isEqualTo(new PageHinkleyConfig(30, 0.005, 50, 1 - 0.0001, Mode.UP));
        assertThat(config.name()).isEqualTo("page-hinkley");
        assertThat(config.create().name()).isEqualTo("page-hinkley");
    }

    @Test
    void config_outOfRange_namesTheSettingAndTheValue() {
        assertThatThrownBy(() -> PageHinkleyConfig.builder().minInstances(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minInstances must be >= 1, got 0");
        assertThatThrownBy(() -> PageHinkleyConfig.builder().delta(-0.1).build())
                .hasMessage("delta must be finite and >= 0, got -0.1");
        assertThatThrownBy(() -> PageHinkleyConfig.builder().threshold(0).build())
                .hasMessage("threshold must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> PageHinkleyConfig.builder().threshold(Double.POSITIVE_INFINITY).build())
                .hasMessage("threshold must be finite and > 0, got Infinity");
        assertThatThrownBy(() -> PageHinkleyConfig.builder().alpha(0).build())
                .hasMessage("alpha must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> PageHinkleyConfig.builder().alpha(1.5).build())
                .hasMessage("alpha must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> PageHinkleyConfig.builder().mode(null).build())
                .hasMessage("mode is required (up, down or both)");
        assertThatThrownBy(() -> new PageHinkley(null)).hasMessage("config is required");
    }

    @Test
    void modeParse_readsTheNames_andRefusesOthers() {
        assertThat(Mode.parse("up")).isEqualTo(Mode.UP);
        assertThat(Mode.parse("Down")).isEqualTo(Mode.DOWN);
        assertThat(Mode.parse("BOTH")).isEqualTo(Mode.BOTH);
        assertThatThrownBy(() -> Mode.parse("sideways"))
                .hasMessage("mode must be one of up, down, both, got 'sideways'");
        assertThatThrownBy(() -> Mode.parse(null)).hasMessage("mode must be one of up, down, both, got null");
    }

    @Test
    void toBuilder_keepsEverySetting() {
        PageHinkleyConfig config = new PageHinkleyConfig(7, 0.1, 20, 0.5, Mode.BOTH);

        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.create().config()).isEqualTo(config);
        assertThat(PageHinkley.fromState(config.create().toState()).config()).isEqualTo(config);
    }

    @Test
    void toString_showsEverySetting() {
        PageHinkley ph = new PageHinkleyConfig(7, 0.1, 20, 0.5, Mode.BOTH).create();
        ph.update(1);

        assertThat(ph).hasToString(
                "PageHinkley[minInstances=7, delta=0.1, threshold=20.0, alpha=0.5, mode=both; observations=1]");
        assertThat(ph.config())
                .hasToString("PageHinkleyConfig[minInstances=7, delta=0.1, threshold=20.0, alpha=0.5, mode=both]");
    }

    @Test
    void fromState_damagedState_saysWhatIsWrong() {
        double[] state = PageHinkleyConfig.defaults().create().toState();
        double[] badFlag = state.clone();
        badFlag[15] = 0.5;
        double[] badMode = state.clone();
        badMode[6] = 7;
        double[] badAlpha = state.clone();
        badAlpha[5] = 2;

        assertThatThrownBy(() -> PageHinkley.fromState(badFlag))
                .hasMessage("page-hinkley state has an invalid detection flag: 0.5");
        assertThatThrownBy(() -> PageHinkley.fromState(badMode))
                .hasMessage("drift detector state has an unknown mode 7");
        assertThatThrownBy(() -> PageHinkley.fromState(badAlpha)).hasMessage("alpha must be in (0, 1], got 2.0");
    }
}
