package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    @Test
    void fedAvg_twoWeightedUpdatesServerRateOne_giveSampleWeightedMean() {
        AggregationStrategy fedAvg = Strategies.fedAvg(1.0);
        RoundAccumulator round = fedAvg.newRound(2);
        round.add(new float[] {1, 2}, 10);
        round.add(new float[] {3, 4}, 30);
        float[] global = {0, 0};

        fedAvg.apply(global, new float[fedAvg.stateSize(2)], round);

        // (10*[1,2] + 30*[3,4]) / 40 = ([10,20] + [90,120]) / 40 = [100,140] / 40 = [2.5, 3.5]
        assertThat(global).containsExactly(2.5f, 3.5f);
        assertThat(round.updates()).isEqualTo(2);
        assertThat(round.samples()).isEqualTo(40);
    }

    @Test
    void fedAvgUpdateLengthStep_agreeingUpdatesKeepTheMeanStep() {
        FedAvg fedAvg = new FedAvg(1.0, false, true);
        float[] state = new float[fedAvg.stateSize(2)];
        float[] global = {0, 0};
        for (int round = 0; round < 5; round++) {
            RoundAccumulator r = fedAvg.newRound(2);
            r.add(new float[] {1, 1}, 10);
            r.add(new float[] {1, 1}, 10);
            fedAvg.apply(global, state, r);
        }
        // each round's mean is as long as its updates: gain 1, five mean steps
        assertThat(global[0]).isCloseTo(5f, within(1e-5f));
        assertThat(global[1]).isCloseTo(5f, within(1e-5f));
    }

    @Test
    void fedAvgUpdateLengthStep_noisyUpdatesOfOneDirection_growTheStepTowardsTheUpdatesLength() {
        FedAvg fedAvg = new FedAvg(1.0, false, true);
        float[] state = new float[fedAvg.stateSize(2)];
        // 4 equal-weight updates around the mean (1, 0): RMS length sqrt(19) over the mean's length 1,
        // bounded by sqrt(4 updates) = 2
        float[][] updates = {{4, 3}, {-2, -3}, {4, -3}, {-2, 3}};
        double[] steps = new double[6];
        float before = 0;
        float[] global = {0, 0};
        for (int round = 0; round < steps.length; round++) {
            RoundAccumulator r = fedAvg.newRound(2);
            for (float[] u : updates) {
                r.add(u, 5);
            }
            fedAvg.apply(global, state, r);
            steps[round] = global[0] - before;
            before = global[0];
        }
        assertThat(global[1]).isZero();
        assertThat(steps[0]).isCloseTo(1.0, within(1e-6)); // no earlier step to agree with
        assertThat(steps[1]).isCloseTo(1.2, within(1e-6)); // the cap grows by a fifth per agreeing round
        assertThat(steps[2]).isCloseTo(1.44, within(1e-5));
        assertThat(steps[5]).isCloseTo(2.0, within(1e-6)); // bounded by sqrt(updates)
        // a round that turns back halves the cap
        RoundAccumulator back = fedAvg.newRound(2);
        for (float[] u : updates) {
            back.add(new float[] {-u[0], u[1]}, 5);
        }
        fedAvg.apply(global, state, back);
        assertThat((double) (global[0] - before)).isCloseTo(-1.0, within(1e-6));
        // after a drift the step starts again at the mean
        fedAvg.resetOptimizerState(state);
        assertThat(state).containsOnly(0f);
    }

    @Test
    void fedAvgCoordinateMean_averagesEachCoordinateOverTheUpdatesThatMovedIt() {
        AggregationStrategy fedAvg = new FedAvg(1.0, true);
        RoundAccumulator round = fedAvg.newRound(4);
        // sparse: one source saw feature 0, the other feature 2; both moved the bias (3)
        round.addSparse(4, new int[] {0, 3}, new float[] {1, 2}, 10, 0);
        round.addSparse(4, new int[] {2, 3}, new float[] {4, 6}, 30, 0);
        // dense, with coordinate 1 not moved
        round.add(new float[] {3, 0, 0, 2}, 20);
        float[] global = {0, 0, 0, 0};

        fedAvg.apply(global, new float[0], round);

        // 0: (10*1 + 20*3) / 30; 1: none moved it; 2: 30*4 / 30; 3: (10*2 + 30*6 + 20*2) / 60
        assertThat(global[0]).isCloseTo(70f / 30, within(1e-6f));
        assertThat(global[1]).isZero();
        assertThat(global[2]).isCloseTo(4f, within(1e-6f));
        assertThat(global[3]).isCloseTo(240f / 60, within(1e-6f));
        // over dense updates that move every coordinate it is FedAvg
        AggregationStrategy plain = Strategies.fedAvg(1.0);
        RoundAccumulator a = fedAvg.newRound(2);
        RoundAccumulator b = plain.newRound(2);
        for (RoundAccumulator r : new RoundAccumulator[] {a, b}) {
            r.add(new float[] {1, 2}, 10);
            r.add(new float[] {3, 4}, 30);
        }
        float[] ga = {0, 0};
        float[] gb = {0, 0};
        fedAvg.apply(ga, new float[0], a);
        plain.apply(gb, new float[0], b);
        assertThat(ga).containsExactly(gb);
    }

    @Test
    void fedAvg_serverRateTwo_scalesTheAverageDelta() {
        AggregationStrategy fedAvg = Strategies.fedAvg(2.0);
        RoundAccumulator round = fedAvg.newRound(2);
        round.add(new float[] {1, 2}, 10);
        round.add(new float[] {3, 4}, 30);
        float[] global = {1, 1};

        fedAvg.apply(global, new float[0], round);

        // [1,1] + 2 * [2.5, 3.5] = [6, 8]
        assertThat(global).containsExactly(6f, 8f);
    }

    @Test
    void fedAvg_singleUpdate_addsItsDelta() {
        AggregationStrategy fedAvg = Strategies.fedAvg(1.0);
        RoundAccumulator round = fedAvg.newRound(3);
        round.add(new float[] {0.5f, -1, 2}, 7);
        float[] global = {1, 1, 1};

        fedAvg.apply(global, null, round);

        // 7 * delta / 7 = delta
        assertThat(global).containsExactly(1.5f, 0f, 3f);
    }

    @Test
    void sum_twoUpdates_addsDeltasUnweighted() {
        AggregationStrategy sum = Strategies.sum();
        RoundAccumulator round = sum.newRound(2);
        round.add(new float[] {1, 2}, 10);
        round.add(new float[] {3, 4}, 30);
        float[] global = {1, 1};

        sum.apply(global, new float[sum.stateSize(2)], round);

        // [1,1] + [1,2] + [3,4] = [5, 7]; sample counts play no part
        assertThat(global).containsExactly(5f, 7f);
        assertThat(round.samples()).isEqualTo(40);
    }

    @Test
    void sum_updateFromZeroSamples_isAccepted() {
        AggregationStrategy sum = Strategies.sum();
        RoundAccumulator round = sum.newRound(1);
        round.add(new float[] {0.25f}, 0);
        float[] global = {1};

        sum.apply(global, null, round);

        assertThat(global).containsExactly(1.25f);
    }

    @Test
    void fedAvg_manySmallDeltas_summedInDoubleWithoutLoss() {
        AggregationStrategy fedAvg = Strategies.fedAvg(1.0);
        RoundAccumulator round = fedAvg.newRound(1);
        round.add(new float[] {1e8f}, 1);
        for (int i = 0; i < 1000; i++) {
            round.add(new float[] {1f}, 1);
        }
        float[] global = {0};

        fedAvg.apply(global, null, round);

        // (1e8 + 1000) / 1001 = 99901.0989...; a float running sum would have dropped every 1
        // (1e8 + 1 rounds back to 1e8 in float) and given 99900.0999
        assertThat(global[0]).isEqualTo((float) ((1e8 + 1000) / 1001));
    }

    @Test
    void apply_emptyRound_throwsIllegalState() {
        for (AggregationStrategy strategy : new AggregationStrategy[] {Strategies.fedAvg(1), Strategies.sum()}) {
            RoundAccumulator empty = strategy.newRound(2);

            assertThatThrownBy(() -> strategy.apply(new float[2], null, empty))
                    .as("%s", strategy)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot apply an empty round: no updates were added");
        }
    }

    @Test
    void fedAvgAdd_zeroSamples_throwsNamingTheCount() {
        RoundAccumulator round = Strategies.fedAvg(1).newRound(2);

        assertThatThrownBy(() -> round.add(new float[2], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("samples must be >= 1 for a sample-weighted update, got 0");
        assertThat(round.updates()).isZero();
    }

    @Test
    void sumAdd_negativeSamples_throws() {
        RoundAccumulator round = Strategies.sum().newRound(2);

        assertThatThrownBy(() -> round.add(new float[2], -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("samples must be >= 0, got -3");
    }

    @Test
    void add_deltaOfWrongLength_throwsNamingBothLengths() {
        for (AggregationStrategy strategy : new AggregationStrategy[] {Strategies.fedAvg(1), Strategies.sum()}) {
            RoundAccumulator round = strategy.newRound(3);

            assertThatThrownBy(() -> round.add(new float[] {1, 2}, 5))
                    .as("%s", strategy)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("delta has length 2 but this round's shard has length 3");
        }
    }

    @Test
    void apply_globalOfWrongLength_throwsNamingBothLengths() {
        AggregationStrategy fedAvg = Strategies.fedAvg(1);
        RoundAccumulator round = fedAvg.newRound(3);
        round.add(new float[3], 1);

        assertThatThrownBy(() -> fedAvg.apply(new float[4], null, round))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("global has length 4 but the round's shard has length 3");
    }

    @Test
    void apply_roundOfAnotherStrategy_throws() {
        RoundAccumulator sumRound = Strategies.sum().newRound(1);
        sumRound.add(new float[] {1}, 4);

        assertThatThrownBy(() -> Strategies.fedAvg(1).apply(new float[1], null, sumRound))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("round was not created by FedAvg.newRound");
    }

    @Test
    void fedAvg_serverRateNotPositiveOrNotFinite_throwsNamingValue() {
        assertThatThrownBy(() -> Strategies.fedAvg(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverLearningRate must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> Strategies.fedAvg(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serverLearningRate must be finite and > 0, got NaN");
    }

    @Test
    void toString_fedAvg_showsServerLearningRate() {
        assertThat(Strategies.fedAvg(0.75).toString()).contains("FedAvg", "serverLearningRate=0.75");
        assertThat(Strategies.sum().toString()).contains("SumStrategy");
    }

    @Test
    void serializedCopy_strategies_equalOriginal() throws Exception {
        for (AggregationStrategy original : new AggregationStrategy[] {Strategies.fedAvg(1.5), Strategies.sum()}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(original);
            }
            Object copy;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                copy = in.readObject();
            }

            assertThat(copy).isEqualTo(original).hasToString(original.toString());
        }
    }
}
