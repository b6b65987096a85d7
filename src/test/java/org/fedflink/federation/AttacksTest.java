package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Attack simulation helpers and the SCAFFOLD server control update. */
class AttacksTest {

    @Test
    void signFlip_negatesEveryCoordinate() {
        float[] delta = {1, -2, 0.5f};
        Attacks.signFlip().corrupt(delta, 0);

        assertThat(delta).containsExactly(-1, 2, -0.5f);
    }

    @Test
    void scaling_multipliesByTheFactor() {
        float[] delta = {1, -2};
        Attacks.scaling(-10).corrupt(delta, 0);

        assertThat(delta).containsExactly(-10, 20);
    }

    @Test
    void gaussianNoise_replacesTheUpdateDeterministicallyPerSeed() {
        float[] a = {100, 100, 100};
        float[] b = {0, 0, 0};
        float[] c = {0, 0, 0};
        UpdateAttack attack = Attacks.gaussianNoise(2);

        attack.corrupt(a, 17);
        attack.corrupt(b, 17);
        attack.corrupt(c, 18);

        // the honest values are gone: the same seed gives the same noise whatever the input
        assertThat(a).containsExactly(b);
        assertThat(c).isNotEqualTo(a);
        for (float x : a) {
            assertThat(Math.abs(x)).isLessThan(20);
        }
    }

    @Test
    void gaussianNoise_hasTheRequestedStddev() {
        float[] delta = new float[20_000];
        Attacks.gaussianNoise(3).corrupt(delta, 5);
        double sumSq = 0;
        for (float x : delta) {
            sumSq += (double) x * x;
        }

        // relative standard error of the sample std: 1/sqrt(2 * 20000) = 0.5%
        assertThat(Math.sqrt(sumSq / delta.length)).isCloseTo(3, within(0.06));
    }

    @Test
    void labelFlip_mapsCToClassesMinusOneMinusC() {
        LabelFlip tenClasses = Attacks.labelFlip(10);
        LabelFlip binary = Attacks.labelFlip(2);

        assertThat(tenClasses.flip(0)).isEqualTo(9);
        assertThat(tenClasses.flip(3)).isEqualTo(6);
        assertThat(tenClasses.flip(9)).isEqualTo(0);
        assertThat(tenClasses.flip(2.0)).isEqualTo(7.0);
        assertThat(binary.flip(0)).isEqualTo(1);
        assertThat(binary.flip(1.0)).isEqualTo(0.0);
    }

    @Test
    void labelFlip_labelOutsideTheClasses_throws() {
        assertThatThrownBy(() -> Attacks.labelFlip(3).flip(3)).hasMessage("label must be in [0, 3), got 3");
        assertThatThrownBy(() -> Attacks.labelFlip(3).flip(1.5))
                .hasMessage("label must be a class index in [0, 3), got 1.5");
        assertThatThrownBy(() -> Attacks.labelFlip(1)).hasMessage("classes must be >= 2, got 1");
    }

    @Test
    void byzantine_choosesAboutTheFractionStablyPerSourceName() {
        ByzantineSelection selection = Attacks.byzantine(0.3, 42);
        int byzantine = 0;
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String source = String.format("s%04d", i);
            if (selection.isByzantine(source)) {
                byzantine++;
                chosen.add(source);
            }
        }

        // binomial(10000, 0.3): standard deviation 46, so +-200 is more than 4 of them
        assertThat(byzantine).isBetween(2800, 3200);
        // a fresh instance (another subtask, a restart) chooses the same sources
        ByzantineSelection again = Attacks.byzantine(0.3, 42);
        assertThat(chosen).allMatch(again::isByzantine);
        // another seed chooses another set
        ByzantineSelection otherSeed = Attacks.byzantine(0.3, 43);
        assertThat(chosen.stream().filter(otherSeed::isByzantine).count()).isLessThan(byzantine);
    }

    @Test
    void byzantine_fractionZeroOrOne_isNoneOrAll() {
        assertThat(Attacks.byzantine(0, 1).isByzantine("s1")).isFalse();
        assertThat(Attacks.byzantine(1, 1).isByzantine("s1")).isTrue();
        assertThatThrownBy(() -> Attacks.byzantine(1.5, 1)).hasMessage("fraction must be in [0, 1], got 1.5");
    }

    @Test
    void updateSeed_differsBySourceAndIndex() {
        long a = Attacks.updateSeed(1, "s1", 0);

        assertThat(Attacks.updateSeed(1, "s1", 0)).isEqualTo(a);
        assertThat(Attacks.updateSeed(1, "s1", 1)).isNotEqualTo(a);
        assertThat(Attacks.updateSeed(1, "s2", 0)).isNotEqualTo(a);
        assertThat(Attacks.updateSeed(2, "s1", 0)).isNotEqualTo(a);
    }

    @Test
    void scaffold_serverControl_addsSumOfControlDeltasOverAllSources() {
        RoundAccumulator round = ScaffoldControl.newRound(2);
        round.add(new float[] {1, 2}, 5);
        round.add(new float[] {3, 4}, 50);
        float[] control = {1, 1};

        ScaffoldControl.update(control, round, 10);

        // c += ([1,2] + [3,4]) / 10 = [0.4, 0.6]
        assertThat(control[0]).isCloseTo(1.4f, within(1e-6f));
        assertThat(control[1]).isCloseTo(1.6f, within(1e-6f));
        // two deltas of one source in a round add up to its control variate's change
        ScaffoldControl.update(control, round, 1);
        assertThat(control[0]).isCloseTo(5.4f, within(1e-5f));
        assertThatThrownBy(() -> ScaffoldControl.update(control, round, 0))
                .hasMessage("totalSources must be >= 1, got 0");
    }
}
