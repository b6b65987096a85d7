package org.fedflink.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SourceBaselines}: each source's level, the excess over it and the checkpointed state. */
class SourceBaselinesTest {

    @Test
    void excess_isNaNWhileWarmingUp_thenTheErrorAboveTheSourcesOwnLevel() {
        SourceBaselines levels = SourceBaselines.empty();
        for (int i = 0; i < SourceBaselines.WARM_UP; i++) {
            assertThat(levels.excess("hard", 0.4)).isNaN();
            assertThat(levels.excess("easy", 0.1)).isNaN();
        }

        assertThat(levels.excess("hard", 0.4)).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(levels.excess("easy", 0.4)).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(levels.excess("easy", Double.NaN)).isNaN();
        assertThat(levels.size()).isEqualTo(2);
    }

    @Test
    void level_followsTheLastHorizonOfExamples() {
        SourceBaselines levels = SourceBaselines.empty();
        for (int i = 0; i < 20 * SourceBaselines.HORIZON; i++) {
            levels.excess("s", 0.0);
        }
        for (int i = 0; i < 5 * SourceBaselines.HORIZON; i++) {
            levels.excess("s", 1.0);
        }

        // a running mean over the last HORIZON: after five of them the old level is e^-5 of it
        assertThat(levels.excess("s", 1.0)).isBetween(0.0, 0.01);
        assertThat(levels.recentLevel()).isBetween(0.99, 1.0);
    }

    @Test
    void fromState_ofToState_continuesIdentically() {
        SourceBaselines original = SourceBaselines.empty();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 3000; i++) {
            original.excess("s" + (i % 7), random.nextDouble());
        }
        SourceBaselines restored = SourceBaselines.fromState(original.toState());

        for (int i = 0; i < 500; i++) {
            double error = random.nextDouble();
            assertThat(Double.compare(restored.excess("s" + (i % 9), error), original.excess("s" + (i % 9), error)))
                    .isZero();
        }
        assertThat(restored.recentLevel()).isEqualTo(original.recentLevel());
        assertThat(SourceBaselines.fromState(null).size()).isZero();
    }

    @Test
    void fromState_ofArraysThatDoNotMatch_isRefused() {
        SourceBaselines.State state = new SourceBaselines.State(new String[] {"a", "b"}, new double[] {0.1},
                new long[] {3, 4}, new double[] {0, 0});

        assertThatThrownBy(() -> SourceBaselines.fromState(state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 sources");
    }

    @Test
    void levels_areKeptForAtMostMaxSources_theLeastRecentlyHeardFromForgottenFirst() {
        SourceBaselines levels = SourceBaselines.empty();
        levels.excess("first", 0.5);
        levels.excess("second", 0.5);
        for (int i = 0; i < SourceBaselines.MAX_SOURCES - 2; i++) {
            levels.excess("s" + i, 0.5);
        }
        levels.excess("first", 0.5); // heard from again: now the most recent
        levels.excess("newcomer", 0.5);
        assertThat(levels.size()).isEqualTo(SourceBaselines.MAX_SOURCES);
        List<String> kept = List.of(levels.toState().sources());
        assertThat(kept).contains("first", "newcomer").doesNotContain("second");
        assertThat(SourceBaselines.fromState(levels.toState()).size()).isEqualTo(SourceBaselines.MAX_SOURCES);
    }
}
