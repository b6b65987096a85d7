package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReputationTest {

    @Test
    void newSource_startsAtOne() {
        assertThat(new Reputation(0.5).score("x")).isEqualTo(1.0);
    }

    /**
     * Three updates along [1, 0] and one against it: the median is [1, 0] (the middle values of
     * each coordinate); the three agree fully (cosine 1), the fourth has cosine -1, floored at 0.
     */
    @Test
    void observe_movesEachScoreTowardsItsAgreementWithTheRoundsMedian() {
        Reputation r = new Reputation(0.5);
        List<String> sources = List.of("a", "b", "c", "evil");
        List<float[]> deltas = List.of(new float[] {1, 0}, new float[] {2, 0}, new float[] {0.5f, 0},
                new float[] {-10, 0});

        r.observe(sources, deltas);
        assertThat(r.score("a")).isEqualTo(1.0);
        assertThat(r.score("evil")).isEqualTo(0.5);
        r.observe(sources, deltas);
        assertThat(r.score("evil")).isEqualTo(0.25);
        assertThat(r.score("b")).isEqualTo(1.0);
    }

    @Test
    void observe_partialAgreement_givesThePositiveCosine() {
        Reputation r = new Reputation(0.0);
        // median of {[1,0], [1,0], [0,1]} is [1, 0]; [1, 1] has cosine 1/sqrt(2) with it
        r.observe(List.of("a", "b", "c", "d"),
                List.of(new float[] {1, 0}, new float[] {1, 0}, new float[] {1, 0}, new float[] {1, 1}));
        assertThat(r.score("d")).isCloseTo(1 / Math.sqrt(2), within(1e-6));
    }

    @Test
    void observe_fewerThanThreeFiniteUpdates_changesNothing_andNonFiniteOnesAreIgnored() {
        Reputation r = new Reputation(0.5);
        r.observe(List.of("a", "b", "c"), List.of(new float[] {1}, new float[] {-1}, new float[] {Float.NaN}));
        assertThat(r.size()).isZero();
        assertThatThrownBy(() -> r.observe(List.of("a"), List.of()))
                .hasMessage("sources and deltas differ in length: 1 and 0");
    }

    @Test
    void weigh_boundsByTheMedianNorm_andScalesByTheRelativeScore() {
        Reputation r = new Reputation(0.5);
        List<String> sources = List.of("a", "b", "c", "evil");
        List<float[]> deltas = List.of(new float[] {3, 4}, new float[] {0, 5}, new float[] {6, 8},
                new float[] {-30, -40});
        r.observe(sources, deltas); // scores from each cosine with the round's median [1.5, 4.5]
        List<float[]> weighed = r.weigh(sources, deltas);
        double mean = (r.score("a") + r.score("b") + r.score("c") + r.score("evil")) / 4;
        // norms 5, 5, 10, 50: median 7.5; a and b keep their length, c and evil are cut to 7.5
        assertThat(weighed.get(0)[0]).isCloseTo((float) (3 * r.score("a") / mean), within(1e-5f));
        assertThat(weighed.get(2)[1]).isCloseTo((float) (8 * 0.75 * r.score("c") / mean), within(1e-5f));
        assertThat(weighed.get(3)[0]).isCloseTo((float) (-30 * 0.15 * r.score("evil") / mean), within(1e-5f));
        assertThat(r.score("evil")).isEqualTo(0.5);
        // a NaN delta passes through for the strategy to reject
        float[] nan = {Float.NaN, 0};
        assertThat(r.weigh(List.of("a", "b"), List.of(nan, new float[] {1, 0})).get(0)).isSameAs(nan);
    }

    @Test
    void state_roundTrips() {
        Reputation r = new Reputation(0.5);
        r.observe(List.of("a", "b", "c", "evil"), List.of(new float[] {1}, new float[] {1}, new float[] {1},
                new float[] {-1}));
        Reputation restored = Reputation.fromState(0.5, r.toState());
        assertThat(restored.score("evil")).isEqualTo(0.5);
        assertThat(restored.score("a")).isEqualTo(1.0);
        assertThat(restored.size()).isEqualTo(4);
    }

    @Test
    void decay_outsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> new Reputation(1.0)).hasMessage("reputationDecay must be in [0, 1), got 1.0");
    }
}
