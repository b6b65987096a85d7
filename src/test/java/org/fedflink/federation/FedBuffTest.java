package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** FedBuff's staleness weights and server step. */
class FedBuffTest {

    @Test
    void inverseSqrt_isOneOverRootOfOnePlusStaleness() {
        StalenessWeight w = StalenessWeight.inverseSqrt();

        // 1/sqrt(1) = 1, 1/sqrt(4) = 0.5, 1/sqrt(9) = 1/3
        assertThat(w.weight(0)).isEqualTo(1.0);
        assertThat(w.weight(3)).isEqualTo(0.5);
        assertThat(w.weight(8)).isCloseTo(1.0 / 3, within(1e-15));
    }

    @Test
    void polynomial_isOnePlusStalenessToTheMinusExponent() {
        // (1+3)^-1 = 0.25, (1+3)^-2 = 0.0625; exponent 0.5 is the inverse square root
        assertThat(StalenessWeight.polynomial(1).weight(3)).isEqualTo(0.25);
        assertThat(StalenessWeight.polynomial(2).weight(3)).isEqualTo(0.0625);
        assertThat(StalenessWeight.polynomial(0.5).weight(15)).isEqualTo(StalenessWeight.inverseSqrt().weight(15));
        assertThat(StalenessWeight.constant().weight(1_000_000)).isEqualTo(1.0);
    }

    @Test
    void weight_negativeStalenessOrExponent_throws() {
        assertThatThrownBy(() -> StalenessWeight.inverseSqrt().weight(-1))
                .hasMessage("staleness must be >= 0, got -1");
        assertThatThrownBy(() -> StalenessWeight.polynomial(-0.5))
                .hasMessage("exponent must be finite and >= 0, got -0.5");
    }

    @Test
    void fedBuff_averagesStalenessWeightedDeltasOverUpdates() {
        AggregationStrategy s = Strategies.fedBuff(1.5, StalenessWeight.inverseSqrt());
        RoundAccumulator round = s.newRound(1);
        round.add(new float[] {4}, 10, 0); // weight 1
        round.add(new float[] {4}, 99, 3); // weight 1/sqrt(4) = 0.5
        round.add(new float[] {2}, 1); // no staleness given: fresh, weight 1
        float[] global = {1};

        s.apply(global, null, round);

        // 1 + 1.5 * (4 + 2 + 2) / 3 = 1 + 4 = 5; sample counts play no part
        assertThat(global[0]).isCloseTo(5f, within(1e-6f));
        assertThat(round.samples()).isEqualTo(110);
    }

    @Test
    void otherStrategies_ignoreStaleness() {
        AggregationStrategy fedAvg = Strategies.fedAvg(1);
        RoundAccumulator round = fedAvg.newRound(1);
        round.add(new float[] {4}, 1, 100);
        float[] global = {0};

        fedAvg.apply(global, null, round);

        assertThat(global).containsExactly(4f);
    }

    @Test
    void fedBuff_knobs_areValidatedAndShown() {
        assertThatThrownBy(() -> Strategies.fedBuff(1, null)).hasMessage("stalenessWeight is required, got null");
        assertThat(Strategies.fedBuff(1, StalenessWeight.polynomial(0.5)))
                .hasToString("FedBuff[serverLearningRate=1.0, stalenessWeight=PolynomialStaleness[exponent=0.5]]");
    }
}
