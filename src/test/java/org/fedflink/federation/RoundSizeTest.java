package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundSizeTest {

    @Test
    void target_isHalfTheActiveSources_betweenTheFloorAndTheCap() {
        RoundSize size = new RoundSize();
        assertThat(size.target(1)).isEqualTo(RoundSize.MIN);
        for (int i = 0; i < 1000; i++) {
            size.observe("s" + (i % 100));
        }
        assertThat(size.activeSources()).isEqualTo(100);
        assertThat(size.target(1)).isEqualTo(50);
        for (int i = 0; i < 1000; i++) {
            size.observe("t" + (i % 500));
        }
        // only the latest 1,000 updates count: the s-sources have left
        assertThat(size.activeSources()).isEqualTo(500);
        assertThat(size.target(1)).isEqualTo(RoundSize.MAX);
    }

    @Test
    void target_neverBelowWhatTheStrategyNeeds() {
        RoundSize size = new RoundSize();
        for (int i = 0; i < 40; i++) {
            size.observe("s" + (i % 8));
        }
        assertThat(size.target(1)).isEqualTo(10);
        assertThat(size.target(19)).isEqualTo(19);
    }

    @Test
    void recent_restoresTheSameTarget() {
        RoundSize size = new RoundSize();
        for (int i = 0; i < 1500; i++) {
            size.observe("s" + (i % 77));
        }
        RoundSize restored = RoundSize.of(size.recent());
        assertThat(restored.activeSources()).isEqualTo(size.activeSources());
        assertThat(restored.target(1)).isEqualTo(size.target(1)).isEqualTo(39);
        assertThat(RoundSize.of(null).activeSources()).isZero();
    }
}
