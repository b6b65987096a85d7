package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * FedAvgM, FedAdagrad, FedAdam and FedYogi against hand-computed steps. The longer arithmetic is
 * recomputed by src/test/resources/org/fedflink/federation/expected_values.py (plain Python from the
 * papers' formulas).
 */
class ServerOptimizersTest {

    private static final float EPS = 1e-6f;

    private static RoundAccumulator round(AggregationStrategy s, int length, float[][] deltas, long[] samples) {
        RoundAccumulator round = s.newRound(length);
        for (int i = 0; i < deltas.length; i++) {
            round.add(deltas[i], samples[i]);
        }
        return round;
    }

    @Test
    void fedAvgM_twoRounds_accumulateMomentumOfWeightedMeans() {
        AggregationStrategy s = Strategies.fedAvgM(0.5, 0.9);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        // round 1: avg = (1*[2,4] + 3*[4,0]) / 4 = [14,4]/4 = [3.5, 1]; v = [3.5, 1];
        // global = 0 + 0.5*v = [1.75, 0.5]
        s.apply(global, state, round(s, 2, new float[][] {{2, 4}, {4, 0}}, new long[] {1, 3}));
        assertThat(state).containsExactly(3.5f, 1f);
        assertThat(global).containsExactly(1.75f, 0.5f);

        // round 2: avg = [1, -1]; v = 0.9*[3.5, 1] + [1, -1] = [4.15, -0.1];
        // global = [1.75 + 0.5*4.15, 0.5 - 0.5*0.1] = [3.825, 0.45]
        s.apply(global, state, round(s, 2, new float[][] {{1, -1}}, new long[] {2}));
        assertThat(state[0]).isCloseTo(4.15f, within(EPS));
        assertThat(state[1]).isCloseTo(-0.1f, within(EPS));
        assertThat(global[0]).isCloseTo(3.825f, within(EPS));
        assertThat(global[1]).isCloseTo(0.45f, within(EPS));
    }

    @Test
    void fedAvgM_zeroMomentum_isFedAvgWithServerRate() {
        AggregationStrategy m = Strategies.fedAvgM(2.0, 0.0);
        AggregationStrategy f = Strategies.fedAvg(2.0);
        float[] viaMomentum = {1, 1};
        float[] viaFedAvg = {1, 1};

        m.apply(viaMomentum, new float[2], round(m, 2, new float[][] {{1, 2}, {3, 4}}, new long[] {10, 30}));
        f.apply(viaFedAvg, null, round(f, 2, new float[][] {{1, 2}, {3, 4}}, new long[] {10, 30}));

        // [1,1] + 2 * [2.5, 3.5] = [6, 8] either way
        assertThat(viaMomentum).containsExactly(6f, 8f).containsExactly(viaFedAvg);
    }

    @Test
    void scaffold_movesTheModelAsFedAvg_andLeavesItsControlVariateToScaffoldControl() {
        AggregationStrategy s = Strategies.scaffold(2.0);
        float[] global = {1, 1};
        float[] control = new float[s.stateSize(2)];
        control[0] = 0.25f;

        s.apply(global, control, round(s, 2, new float[][] {{1, 2}, {3, 4}}, new long[] {10, 30}));

        // [1,1] + 2 * (10*[1,2] + 30*[3,4]) / 40 = [6, 8], as FedAvg with server rate 2
        assertThat(global).containsExactly(6f, 8f);
        assertThat(control).containsExactly(0.25f, 0f);
        assertThatThrownBy(() -> Strategies.scaffold(0))
                .hasMessage("serverLearningRate must be finite and > 0, got 0.0");
    }

    @Test
    void fedAdagrad_oneStep_dividesByRootOfSquaredSum() {
        AggregationStrategy s = Strategies.fedAdagrad(0.1, 0.0, 0.5);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        // d = (1*[1,-2] + 1*[5,-6]) / 2 = [3, -4]; beta1 = 0: m = d; v = d^2 = [9, 16];
        // step = 0.1 * [3/(3+0.5), -4/(4+0.5)] = [0.0857142857, -0.0888888889]
        s.apply(global, state, round(s, 2, new float[][] {{1, -2}, {5, -6}}, new long[] {1, 1}));

        assertThat(global[0]).isCloseTo(0.3f / 3.5f, within(EPS));
        assertThat(global[1]).isCloseTo(-0.4f / 4.5f, within(EPS));
        assertThat(state).containsExactly(3, -4, 9, 16);
    }

    @Test
    void fedAdagrad_withBeta1_keepsAFirstMoment() {
        AggregationStrategy s = Strategies.fedAdagrad(0.1, 0.5, 0.5);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        // m = 0.5 * [3, -4] = [1.5, -2]; v = [9, 16]; step = 0.1 * [1.5/3.5, -2/4.5]
        s.apply(global, state, round(s, 2, new float[][] {{3, -4}}, new long[] {7}));

        assertThat(global[0]).isCloseTo(0.15f / 3.5f, within(EPS));
        assertThat(global[1]).isCloseTo(-0.2f / 4.5f, within(EPS));
    }

    @Test
    void fedAdam_oneStepWithFlowersBiasCorrection() {
        AggregationStrategy s = Strategies.fedAdam(0.1, 0.9, 0.99, 0.1, true);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        // d = [2, -1]; m = 0.1 d = [0.2, -0.1]; v = 0.01 d^2 = [0.04, 0.01]; sqrt(v) = [0.2, 0.1]
        // Flower's eta_norm in round 1 = 0.1 * sqrt(1 - 0.99^2) / (1 - 0.9^2) = 0.1 * 0.141067 / 0.19
        //                              = 0.0742460
        // step = 0.0742460 * [0.2/0.3, -0.1/0.2] = [0.0494973, -0.0371230] (expected_values.py)
        s.apply(global, state, round(s, 2, new float[][] {{2, -1}}, new long[] {5}));

        assertThat(global[0]).isCloseTo(0.049497319f, within(EPS));
        assertThat(global[1]).isCloseTo(-0.037122989f, within(EPS));
        assertThat(state[0]).isCloseTo(0.2f, within(EPS));
        assertThat(state[3]).isCloseTo(0.01f, within(EPS));
        assertThat(RoundCounter.read(state, 4)).isEqualTo(1);
    }

    @Test
    void fedAdam_secondRound_usesTheNextBiasCorrection() {
        AggregationStrategy s = Strategies.fedAdam(0.1, 0.9, 0.99, 0.1, true);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];
        s.apply(global, state, round(s, 2, new float[][] {{2, -1}}, new long[] {1}));
        float[] afterFirst = global.clone();

        // m = 0.9*[0.2,-0.1] + 0.1*[0.5,0.05] = [0.23, -0.085]; v = 0.99*[0.04,0.01] + 0.01*[0.25,0.0025]
        // eta_norm(2) = 0.1 * sqrt(1 - 0.99^3) / (1 - 0.9^3); step from expected_values.py
        s.apply(global, state, round(s, 2, new float[][] {{0.5f, 0.05f}}, new long[] {1}));

        assertThat(global[0] - afterFirst[0]).isCloseTo(0.047927410f, within(EPS));
        assertThat(global[1] - afterFirst[1]).isCloseTo(-0.027078324f, within(EPS));
        assertThat(RoundCounter.read(state, 4)).isEqualTo(2);
    }

    @Test
    void fedAdam_withoutBiasCorrection_isReddiAlgorithm2() {
        AggregationStrategy s = Strategies.fedAdam(0.1, 0.9, 0.99, 0.1, false);
        float[] global = {0, 0};

        // step = 0.1 * [0.2/(0.2+0.1), -0.1/(0.1+0.1)] = [0.0666667, -0.05]
        s.apply(global, new float[s.stateSize(2)], round(s, 2, new float[][] {{2, -1}}, new long[] {1}));

        assertThat(global[0]).isCloseTo(0.2f / 3, within(EPS));
        assertThat(global[1]).isCloseTo(-0.05f, within(EPS));
    }

    @Test
    void fedAdam_learningRate_followsFlowersExponent() {
        FedAdam adam = FedAdam.defaults();

        assertThat(adam.learningRate(1)).isCloseTo(0.1 * Math.sqrt(1 - 0.99 * 0.99) / (1 - 0.9 * 0.9), within(1e-15));
        assertThat(adam.learningRate(1)).isCloseTo(0.0742460, within(1e-7));
        assertThat(new FedAdam(0.1, 0.9, 0.99, 1e-9, false).learningRate(1)).isEqualTo(0.1);
    }

    @Test
    void fedYogi_twoRounds_moveSecondMomentBySignOfDifference() {
        AggregationStrategy s = Strategies.fedYogi(0.1, 0.9, 0.99, 0.1);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        // round 1 from v = 0: v = 0 - 0.01 * d^2 * sign(0 - d^2) = 0.01 d^2 = [0.04, 0.01] (as Adam);
        // no bias correction: step = 0.1 * [0.2/0.3, -0.1/0.2] = [0.0666667, -0.05]
        s.apply(global, state, round(s, 2, new float[][] {{2, -1}}, new long[] {3}));
        assertThat(global[0]).isCloseTo(0.2f / 3, within(EPS));
        assertThat(global[1]).isCloseTo(-0.05f, within(EPS));
        float[] afterFirst = global.clone();

        // round 2, d = [0.5, 0.05]: coordinate 0 has v = 0.04 < d^2 = 0.25, so v grows by
        // 0.01 * 0.25 to 0.0425 (Adam: 0.0421); coordinate 1 has v = 0.01 > d^2 = 0.0025, so v
        // shrinks by 0.01 * 0.0025 to 0.009975 (Adam: 0.009925). m = [0.23, -0.085].
        // step = 0.1 * [0.23/(sqrt(0.0425)+0.1), -0.085/(sqrt(0.009975)+0.1)] = [0.0751253, -0.0425266]
        s.apply(global, state, round(s, 2, new float[][] {{0.5f, 0.05f}}, new long[] {3}));

        assertThat(state[2]).isCloseTo(0.0425f, within(EPS));
        assertThat(state[3]).isCloseTo(0.009975f, within(1e-8f));
        assertThat(global[0] - afterFirst[0]).isCloseTo(0.075125276f, within(EPS));
        assertThat(global[1] - afterFirst[1]).isCloseTo(-0.042526596f, within(EPS));
    }

    @Test
    void stateSizes_areMomentsAndCounter() {
        assertThat(Strategies.fedAvgM(1, 0.9).stateSize(10)).isEqualTo(10);
        assertThat(Strategies.fedAdagrad().stateSize(10)).isEqualTo(20);
        assertThat(Strategies.fedYogi().stateSize(10)).isEqualTo(20);
        assertThat(Strategies.fedAdam().stateSize(10)).isEqualTo(22);
    }

    @Test
    void defaults_areFlowers() {
        assertThat(FedAdam.defaults()).isEqualTo(new FedAdam(0.1, 0.9, 0.99, 1e-9, true));
        assertThat(FedYogi.defaults()).isEqualTo(new FedYogi(0.01, 0.9, 0.99, 1e-3));
        assertThat(FedAdagrad.defaults()).isEqualTo(new FedAdagrad(0.1, 0.0, 1e-9));
        assertThat(Strategies.fedAdam().toString())
                .isEqualTo("FedAdam[eta=0.1, beta1=0.9, beta2=0.99, tau=1.0E-9, biasCorrection=true]");
    }

    @Test
    void apply_nonFiniteDelta_isRejectedAndCounted() {
        AggregationStrategy s = Strategies.fedAdam();
        RoundAccumulator round = s.newRound(2);
        round.add(new float[] {Float.NaN, 1}, 5);
        round.add(new float[] {1, Float.POSITIVE_INFINITY}, 5);
        round.add(new float[] {1, 1}, 5);
        float[] global = {0, 0};
        float[] state = new float[s.stateSize(2)];

        s.apply(global, state, round);

        assertThat(round.rejected()).isEqualTo(2);
        assertThat(round.updates()).isEqualTo(1);
        assertThat(round.samples()).isEqualTo(5);
        assertThat(global).doesNotContain(Float.NaN);
        assertThat(state).doesNotContain(Float.NaN);
    }

    @Test
    void apply_onlyNonFiniteDeltas_throwsNamingTheRejected() {
        AggregationStrategy s = Strategies.fedYogi();
        RoundAccumulator round = s.newRound(1);
        round.add(new float[] {Float.NaN}, 1);

        assertThatThrownBy(() -> s.apply(new float[1], new float[2], round))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot apply an empty round: no updates were added (1 rejected as non-finite)");
    }

    @Test
    void apply_stateOfWrongLength_throwsNamingBothLengths() {
        AggregationStrategy s = Strategies.fedAdam();
        RoundAccumulator round = s.newRound(2);
        round.add(new float[] {1, 1}, 1);

        assertThatThrownBy(() -> s.apply(new float[2], new float[4], round))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverState has length 4 but 6 is required");
        assertThatThrownBy(() -> s.apply(new float[2], null, round))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverState is required (length 6), got null");
    }

    @Test
    void constructors_knobOutOfRange_throwNamingTheKnob() {
        assertThatThrownBy(() -> Strategies.fedAvgM(1, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverMomentum must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> Strategies.fedAvgM(0, 0.5))
                .hasMessage("serverLearningRate must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> Strategies.fedAdam(-1, 0.9, 0.99, 1e-9, true))
                .hasMessage("eta must be finite and > 0, got -1.0");
        assertThatThrownBy(() -> Strategies.fedAdam(0.1, 0.9, 1.5, 1e-9, true))
                .hasMessage("beta2 must be in [0, 1), got 1.5");
        assertThatThrownBy(() -> Strategies.fedYogi(0.1, Double.NaN, 0.99, 1e-3))
                .hasMessage("beta1 must be in [0, 1), got NaN");
        assertThatThrownBy(() -> Strategies.fedAdagrad(0.1, 0, 0))
                .hasMessage("tau must be finite and > 0, got 0.0");
    }
}
