package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortRoundsTest {

    /** {@code count} updates of sources {@code s<first>..}, each of {@code samples} examples. */
    private static List<ShortRounds.Update> round(int first, int count, long samples) {
        List<ShortRounds.Update> updates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            updates.add(new ShortRounds.Update("s" + (first + i), samples));
        }
        return updates;
    }

    /** Rounds of 25 whole updates of 10 examples, from 100 sources in turn. */
    private static ShortRounds afterWholeRounds(int rounds) {
        ShortRounds shortRounds = ShortRounds.fresh();
        for (int r = 0; r < rounds; r++) {
            assertThat(shortRounds.share(round((r % 4) * 25, 25, 10), 25)).isEqualTo(1.0);
        }
        return shortRounds;
    }

    @Test
    void firstRound_isWhole_whateverItCarries() {
        assertThat(ShortRounds.fresh().share(round(0, 3, 7), 25)).isEqualTo(1.0);
    }

    @Test
    void roundClosedEarly_takesItsShareOfUpdates() {
        // the end of the input closes a round of 3 whole updates after rounds of 25
        assertThat(afterWholeRounds(40).share(round(0, 3, 10), 25)).isCloseTo(3 / 25.0, within(1e-9));
    }

    @Test
    void roundOfRemainders_takesItsShareOfExamples() {
        // every source reports the 5 examples it had gathered when the boundary came; they usually report 10
        assertThat(afterWholeRounds(40).share(round(0, 25, 5), 25)).isCloseTo(0.5, within(1e-9));
        // both at once: 3 remainders of 5 close the last round
        assertThat(afterWholeRounds(40).share(round(0, 3, 5), 25)).isCloseTo(3 / 25.0 * 0.5, within(1e-9));
    }

    @Test
    void sourcesWhoseEveryUpdateIsSmall_keepWholeSteps() {
        // sources that report 2 examples each time (a maintainer with a few packages a minute)
        ShortRounds rounds = ShortRounds.fresh();
        for (int r = 0; r < 40; r++) {
            assertThat(rounds.share(round((r % 4) * 25, 25, 2), 25)).isEqualTo(1.0);
        }
    }

    @Test
    void roundsThatAlwaysCloseEarly_becomeTheUsualAndKeepWholeSteps() {
        // fewer sources than the target: every round closes on the timeout with 4 updates
        ShortRounds rounds = ShortRounds.fresh();
        double last = 0;
        for (int r = 0; r < 100; r++) {
            last = rounds.share(round(0, 4, 10), 25);
        }
        assertThat(last).isEqualTo(1.0);
    }

    @Test
    void smallerTargetAfterADrift_countsItsRoundsAsWhole() {
        ShortRounds rounds = afterWholeRounds(40);
        assertThat(rounds.share(round(0, 10, 10), 10)).isEqualTo(1.0);
    }

    @Test
    void state_roundTrips_andAMissingStateStartsFresh() {
        ShortRounds rounds = afterWholeRounds(40);
        ShortRounds restored = ShortRounds.of(rounds.toState());
        assertThat(restored.share(round(0, 5, 5), 25)).isEqualTo(rounds.share(round(0, 5, 5), 25)).isLessThan(0.2);
        assertThat(ShortRounds.of(new ShortRounds.State(0, null, null)).share(round(0, 1, 1), 25)).isEqualTo(1.0);
        assertThat(ShortRounds.of(null).share(round(0, 1, 1), 25)).isEqualTo(1.0);
    }

    @Test
    void scaleStep_movesThatShareOfTheWay() {
        float[] before = {1f, 2f, -1f};
        float[] after = {3f, 2f, 0f};
        ShortRounds.scaleStep(before, after, 0.25);
        assertThat(after).containsExactly(1.5f, 2f, -0.75f);
        float[] whole = {3f, 2f, 0f};
        ShortRounds.scaleStep(before, whole, 1.0);
        assertThat(whole).containsExactly(3f, 2f, 0f);
    }

    @Test
    void badArguments_areRejected() {
        assertThatThrownBy(() -> ShortRounds.fresh().share(List.of(), 25)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShortRounds.fresh().share(round(0, 1, 1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShortRounds.fresh().share(round(0, 1, -1), 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShortRounds.scaleStep(new float[2], new float[3], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scaleStep_overTheMovedCoordinates_isTheWholeVectorsScaling() {
        float[] before = {1f, -2f, 3.5f, 0.25f, 7f};
        float[] stepped = {1f, -1.5f, 3.5f, -0.75f, 7f};
        float[] whole = stepped.clone();
        float[] moved = stepped.clone();
        int[] coordinates = {3, 1};

        ShortRounds.scaleStep(before, whole, 0.3);
        ShortRounds.scaleStep(new float[] {before[3], before[1]}, moved, 0.3, coordinates);

        assertThat(moved).containsExactly(whole);
        assertThat(moved[1]).isNotEqualTo(stepped[1]);
        assertThatThrownBy(() -> ShortRounds.scaleStep(new float[1], moved, 0.3, coordinates))
                .hasMessage("1 values before the step for 2 coordinates");
    }
}
