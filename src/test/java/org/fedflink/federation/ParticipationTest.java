package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ParticipationTest {

    @Test
    void everyone_takesPartAlways() {
        Participation all = Participation.everyone();
        for (int i = 0; i < 100; i++) {
            assertThat(all.takesPart("source-" + i, i * 20L)).isTrue();
        }
    }

    @Test
    void takesPart_atTheConfiguredRate_perSourceAndOverTime() {
        Participation p = new Participation(0.3, 42);
        int taken = 0;
        int[] perSource = new int[50];
        for (int s = 0; s < 50; s++) {
            for (long k = 1; k <= 400; k++) {
                if (p.takesPart("source-" + s, k * 20)) {
                    taken++;
                    perSource[s]++;
                }
            }
        }
        // 20,000 draws: the standard error of the rate is 0.0032
        assertThat(taken / 20_000.0).isCloseTo(0.3, within(0.015));
        // no source is left out or always in (400 draws each: standard error 0.023)
        for (int count : perSource) {
            assertThat(count / 400.0).isBetween(0.2, 0.4);
        }
    }

    @Test
    void takesPart_isAPureFunctionOfSeedSourceAndPosition() {
        Participation p = new Participation(0.5, 7);
        Participation same = new Participation(0.5, 7);
        Participation otherSeed = new Participation(0.5, 8);
        int differsFromOtherSeed = 0;
        for (long k = 0; k < 200; k++) {
            assertThat(same.takesPart("a", k)).isEqualTo(p.takesPart("a", k));
            if (otherSeed.takesPart("a", k) != p.takesPart("a", k)) {
                differsFromOtherSeed++;
            }
        }
        assertThat(differsFromOtherSeed).isBetween(60, 140);
    }

    @Test
    void fraction_outsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> new Participation(0, 1)).hasMessage("fraction must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> new Participation(1.2, 1)).hasMessage("fraction must be in (0, 1], got 1.2");
        assertThatThrownBy(() -> new Participation(Double.NaN, 1)).hasMessage("fraction must be in (0, 1], got NaN");
    }
}
