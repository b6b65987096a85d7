package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeLogTest {

    @Test
    void add_keepsEveryOutcomeInOrder_acrossGrowth() {
        OutcomeLog log = new OutcomeLog();
        for (int i = 0; i < 200; i++) {
            log.add(i, i % 3 == 0);
        }
        assertThat(log.size()).isEqualTo(200);
        float[] losses = log.losses();
        long[] bits = log.correctBits();
        assertThat(losses).hasSize(200);
        assertThat(bits).hasSize(4);
        for (int i = 0; i < 200; i++) {
            assertThat(losses[i]).isEqualTo(i);
            assertThat(log.correct(i)).isEqualTo(i % 3 == 0);
            assertThat((bits[i / 64] >>> (i % 64) & 1) == 1).isEqualTo(i % 3 == 0);
        }
    }

    @Test
    void clear_thenAdd_forgetsEarlierBits() {
        OutcomeLog log = new OutcomeLog();
        for (int i = 0; i < 70; i++) {
            log.add(1f, true);
        }
        log.clear();
        log.add(2f, false);
        assertThat(log.size()).isEqualTo(1);
        assertThat(log.correct(0)).isFalse();
        assertThat(log.correctBits()).containsExactly(0L);
    }

    @Test
    void of_copiesItsArrays_andAddAllAppends() {
        float[] losses = {0.5f, 1.5f};
        long[] bits = {0b10};
        OutcomeLog a = OutcomeLog.of(losses, bits);
        a.addAll(OutcomeLog.of(new float[] {3f}, new long[] {1}));
        assertThat(a.losses()).containsExactly(0.5f, 1.5f, 3f);
        assertThat(a.correct(0)).isFalse();
        assertThat(a.correct(1)).isTrue();
        assertThat(a.correct(2)).isTrue();
        assertThat(bits).containsExactly(0b10L);
        assertThat(OutcomeLog.of(new float[] {1f}, null).correct(0)).isFalse();
    }
}
