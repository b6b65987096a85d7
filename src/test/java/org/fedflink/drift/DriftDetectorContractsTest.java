package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link DriftDetector} contract, kept by every detector: state round trips at any point,
 * reset, refused input, the statistic before a detection, the state's header, serializable
 * settings. The figures of each algorithm are in AdwinTest and PageHinkleyTest.
 */
class DriftDetectorContractsTest {

    /** Each kind, with settings that detect several times on {@link DriftStreams#lossLevels()}. */
    private static final List<DetectorConfig> ALL = List.of(
            AdwinConfig.defaults(),
            AdwinConfig.builder().delta(0.1).clock(4).mode(Mode.UP).build(),
            PageHinkleyConfig.defaults(),
            PageHinkleyConfig.builder().mode(Mode.BOTH).build());

    private static List<Integer> detections(DriftDetector detector, double[] stream, int from, int to) {
        List<Integer> hits = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (detector.update(stream[i])) {
                hits.add(i);
            }
        }
        return hits;
    }

    @Test
    void toState_restoredAnywhere_continuesIdentically() {
        double[] stream = DriftStreams.lossLevels();
        for (DetectorConfig config : ALL) {
            DriftDetector whole = config.create();
            List<Integer> expected = detections(whole, stream, 0, stream.length);
            assertThat(expected).as("%s", config).hasSizeGreaterThanOrEqualTo(1);
            // before anything, one in, at each detection and just after it, at the end
            List<Integer> splits = new ArrayList<>(List.of(0, 1, stream.length - 1));
            for (int index : expected) {
                splits.add(index);
                splits.add(index + 1);
                splits.add(index + 2);
            }

            for (int split : splits) {
                DriftDetector first = config.create();
                List<Integer> hits = detections(first, stream, 0, split);

                DriftDetector restored = DriftDetector.fromState(first.toState());
                assertThat(restored).hasSameClassAs(first).hasToString(first.toString());
                assertThat(restored.toState()).isEqualTo(first.toState());
                hits.addAll(detections(restored, stream, split, stream.length));

                assertThat(hits).as("%s split at %d", config, split).containsExactlyElementsOf(expected);
                assertThat(restored.toState()).as("%s split at %d", config, split).isEqualTo(whole.toState());
                assertThat(restored.statistic()).isEqualTo(whole.statistic());
            }
        }
    }

    @Test
    void fromState_withAnEqualSharedConfig_holdsThatInstance_elseItsOwn() {
        for (DetectorConfig config : ALL) {
            DriftDetector first = config.create();
            first.update(0.5);
            double[] state = first.toState();
            assertThat(DriftDetector.fromState(state, config).config()).isSameAs(config);
            DetectorConfig other = config instanceof AdwinConfig ? AdwinConfig.builder().delta(0.3).build()
                    : PageHinkleyConfig.builder().mode(Mode.DOWN).build();
            DriftDetector own = DriftDetector.fromState(state, other);
            assertThat(own.config()).isNotSameAs(other).isEqualTo(config);
            assertThat(own.toState()).isEqualTo(state);
        }
    }

    @Test
    void reset_returnsToAFreshDetectorWithTheSameSettings() {
        double[] stream = DriftStreams.lossLevels();
        for (DetectorConfig config : ALL) {
            DriftDetector detector = config.create();
            List<Integer> expected = detections(detector, stream, 0, stream.length);

            detector.reset();

            assertThat(detector.toState()).as("%s", config).isEqualTo(config.create().toState());
            assertThat(detector.observations()).isZero();
            assertThat(detector.statistic()).isNaN();
            assertThat(detections(detector, stream, 0, stream.length)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void update_nonFiniteValue_isRefusedAndChangesNothing() {
        for (DetectorConfig config : ALL) {
            DriftDetector detector = config.create();
            detector.update(0.5);
            double[] before = detector.toState();

            assertThatThrownBy(() -> detector.update(Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("value must be finite, got NaN");
            assertThatThrownBy(() -> detector.update(Double.POSITIVE_INFINITY))
                    .hasMessage("value must be finite, got Infinity");
            assertThatThrownBy(() -> detector.update(Double.NEGATIVE_INFINITY))
                    .hasMessage("value must be finite, got -Infinity");
            assertThat(detector.toState()).as("%s", config).isEqualTo(before);
            assertThat(detector.observations()).isEqualTo(1);
        }
    }

    @Test
    void statistic_beforeAnyDetection_isNaN() {
        double[] stream = DriftStreams.lossLevels();
        for (DetectorConfig config : ALL) {
            DriftDetector detector = config.create();
            assertThat(detector.statistic()).isNaN();

            // the first change is at 2000: no detection before it
            assertThat(detections(detector, stream, 0, 2000)).as("%s", config).isEmpty();

            assertThat(detector.statistic()).isNaN();
            assertThat(detector.observations()).isEqualTo(2000);
            assertThat(detector.name()).isEqualTo(config.name());
        }
    }

    @Test
    void fromState_otherVersionOrKind_isRefusedNamingIt() {
        for (DetectorConfig config : ALL) {
            double[] state = config.create().toState();
            double[] newer = state.clone();
            newer[0] = 2;
            double[] unknownKind = state.clone();
            unknownKind[1] = 9;

            assertThat(state[0]).isEqualTo(1);
            assertThatThrownBy(() -> DriftDetector.fromState(newer))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Unknown version of a drift detector state: 2 (this build reads version 1)");
            assertThatThrownBy(() -> DriftDetector.fromState(unknownKind))
                    .hasMessage("Unknown kind of drift detector in state: 9 (1 = adwin, 2 = page-hinkley)");
            assertThatThrownBy(() -> DriftDetector.fromState(Arrays.copyOf(state, state.length + 1)))
                    .hasMessage(config.name() + " state has " + (state.length + 1) + " entries, 1 more than its content");
            assertThatThrownBy(() -> DriftDetector.fromState(Arrays.copyOf(state, 10)))
                    .hasMessage(config.name() + " state ends early: 10 entries do not hold the whole state");
        }
        assertThatThrownBy(() -> DriftDetector.fromState(null)).hasMessage("drift detector state is too short: null");
        assertThatThrownBy(() -> DriftDetector.fromState(new double[1]))
                .hasMessage("drift detector state is too short: 1 entries");
        assertThatThrownBy(() -> Adwin.fromState(PageHinkleyConfig.defaults().create().toState()))
                .hasMessage("the state is of detector page-hinkley, not adwin");
        assertThatThrownBy(() -> PageHinkley.fromState(AdwinConfig.defaults().create().toState()))
                .hasMessage("the state is of detector adwin, not page-hinkley");
    }

    @Test
    void serializedConfig_equalsOriginal() throws Exception {
        for (DetectorConfig config : ALL) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(config);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                assertThat(in.readObject()).isEqualTo(config);
            }
        }
    }
}
