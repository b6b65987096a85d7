package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

class RoundPolicyTest {

    private static final IntUnaryOperator AS_IS = usual -> usual;

    @Test
    void target_isTheJobsNumber_whenItGivesOne() {
        RoundPolicy policy = new RoundPolicy(25, 1, 1, 0, null, null);
        for (int i = 0; i < 300; i++) {
            policy.observe("s" + i);
        }
        assertThat(policy.target(AS_IS)).isEqualTo(25);
        assertThat(policy.target(usual -> usual / 5)).isEqualTo(5);
    }

    @Test
    void target_isHalfTheActiveSources_whenTheJobLeavesItToTheServer() {
        RoundPolicy policy = new RoundPolicy(0, 1, 1, 0, null, null);
        assertThat(policy.target(AS_IS)).isEqualTo(RoundSize.MIN);
        for (int i = 0; i < 60; i++) {
            policy.observe("s" + i);
        }
        assertThat(policy.target(AS_IS)).isEqualTo(30);
        // a strategy that needs more updates than that gets them
        assertThat(new RoundPolicy(0, 40, 1, 0, policy.recentSources(), null).target(AS_IS)).isEqualTo(40);
    }

    @Test
    void counts_updatesUpToTheStaleness_orEveryUpdateAt0() {
        RoundPolicy policy = new RoundPolicy(3, 1, 1, 2, null, null);
        assertThat(policy.counts(0)).isTrue();
        assertThat(policy.counts(2)).isTrue();
        assertThat(policy.counts(3)).isFalse();
        assertThat(new RoundPolicy(3, 1, 1, 0, null, null).counts(1_000)).isTrue();
    }

    @Test
    void hasEnoughSources_countsDistinctSources() {
        RoundPolicy policy = new RoundPolicy(3, 1, 2, 0, null, null);
        assertThat(policy.hasEnoughSources(List.of("a", "a", "a"))).as("one source, two needed").isFalse();
        assertThat(policy.hasEnoughSources(List.of("a", "a", "b"))).isTrue();
        assertThat(new RoundPolicy(3, 1, 1, 0, null, null).hasEnoughSources(List.of("a"))).isTrue();
    }

    @Test
    void state_carriesTheActiveSourcesAndWhatRoundsUsuallyCarry() {
        RoundPolicy policy = new RoundPolicy(0, 1, 1, 0, null, null);
        for (int r = 0; r < 30; r++) {
            for (int i = 0; i < 40; i++) {
                policy.observe("s" + i);
            }
            policy.share(updates(20, 10), 20);
        }
        RoundPolicy restored = new RoundPolicy(0, 1, 1, 0, policy.recentSources(), policy.shortRoundsState());
        assertThat(restored.target(AS_IS)).isEqualTo(policy.target(AS_IS)).isEqualTo(20);
        // a round of remainders is cut alike by both
        assertThat(restored.share(updates(20, 5), 20)).isEqualTo(policy.share(updates(20, 5), 20)).isLessThan(1.0);
    }

    private static List<ShortRounds.Update> updates(int count, long samples) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> new ShortRounds.Update("s" + i, samples)).toList();
    }
}
