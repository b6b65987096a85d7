package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The local sides of FedSGD (gradient steps summed at a fixed model), FedProx (the proximal pull)
 * and SCAFFOLD (the control-variate correction), against steps computed by hand or by the plain
 * optimizer on the same example.
 */
class LocalStepRulesTest {

    private static final double RATE = 0.1;

    private static float[] randomParams(int n, long seed) {
        Random r = new Random(seed);
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextGaussian();
        }
        return p;
    }

    /** The step accumulated into a zero target equals the step plain SGD takes from the same point. */
    @Test
    void accumulateStep_equalsThePlainSgdStep_andLeavesTheModelUnchanged() {
        for (ModelSpec spec : List.of(new ModelSpec(ModelType.SOFTMAX, 5, 3, 0.01),
                new ModelSpec(ModelType.LOGISTIC, 5, 2, 0.0),
                new ModelSpec(ModelType.MLP, 5, 3, 0.0, List.of(4)))) {
            OnlineLearner learner = new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.constant(RATE)));
            float[] params = randomParams(spec.numParams(), 1);
            float[] x = {0.5f, -1f, 0f, 2f, 0.25f};
            float[] stepped = params.clone();
            OnlineLearner.Outcome plain = learner.learn(stepped, new float[0], 0, null, x, 1);

            float[] target = new float[params.length];
            float[] before = params.clone();
            OnlineLearner.Outcome accumulated = learner.accumulateStep(params, 0, null, x, 1, target);

            assertThat(params).as(spec.type() + ": the model stays").containsExactly(before);
            assertThat(accumulated.loss()).isCloseTo(plain.loss(), within(1e-9));
            assertThat(accumulated.prediction()).isEqualTo(plain.prediction());
            for (int p = 0; p < params.length; p++) {
                assertThat(target[p]).as(spec.type() + " parameter " + p)
                        .isCloseTo(stepped[p] - before[p], within(1e-5f));
            }
        }
    }

    @Test
    void accumulateStep_sparseExample_touchesOnlyItsCoordinatesAndTheBiases() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 6, 2, 0.5);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.constant(RATE)));
        float[] params = randomParams(spec.numParams(), 2);
        float[] target = new float[params.length];

        learner.accumulateStep(params, 0, new int[] {1, 4}, new float[] {1f, -2f}, 0, target);

        for (int p = 0; p < target.length; p++) {
            boolean touched = p == 1 || p == 4 || p == spec.features();
            assertThat(target[p] != 0).as("parameter " + p).isEqualTo(touched);
        }
    }

    @Test
    void accumulateStep_needsPlainSgd() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
        OnlineLearner learner = new OnlineLearner(Model.of(spec),
                LocalOptimizers.adagrad(LearningRate.constant(RATE), 1e-8));
        assertThatThrownBy(() -> learner.accumulateStep(new float[3], 0, null, new float[2], 1, new float[3]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("gradient accumulation needs plain SGD");
    }

    @Test
    void proximalStep_pullsEveryCoordinateByRateTimesMuTowardsTheReference() {
        OnlineLearner learner = new OnlineLearner(Model.of(new ModelSpec(ModelType.LINEAR, 2, 1, 0.0)),
                LocalOptimizers.sgd(LearningRate.inverseSqrt(RATE, 1.0)));
        float[] params = {1f, -2f, 3f};
        float[] reference = {0f, 0f, 1f};
        // the schedule's rate at step 3: 0.1 / sqrt(1 + 3) = 0.05, times mu 2 = 0.1 of the way back
        learner.proximalStep(params, reference, 3, 2.0);

        assertThat(params[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(params[1]).isCloseTo(-1.8f, within(1e-6f));
        assertThat(params[2]).isCloseTo(2.8f, within(1e-6f));
    }

    @Test
    void controlStep_movesByRateTimesServerMinusSourceControl_andReturnsTheRate() {
        OnlineLearner learner = new OnlineLearner(Model.of(new ModelSpec(ModelType.LINEAR, 1, 1, 0.0)),
                LocalOptimizers.momentum(LearningRate.constant(RATE), 0.9));
        float[] params = {1f, 1f};

        double rate = learner.controlStep(params, new float[] {0.5f, 0f}, new float[] {0f, 2f}, 7);

        assertThat(rate).isEqualTo(RATE);
        assertThat(params[0]).isCloseTo(1f - 0.05f, within(1e-6f));
        assertThat(params[1]).isCloseTo(1f + 0.2f, within(1e-6f));
    }

    @Test
    void learningRate_isTheSchedulesValueForEveryOptimizer() {
        LearningRate schedule = LearningRate.inverse(0.4, 0.5);
        for (LocalOptimizer optimizer : List.of(LocalOptimizers.sgd(schedule),
                LocalOptimizers.momentum(schedule, 0.9), LocalOptimizers.adagrad(schedule, 1e-8))) {
            assertThat(optimizer.learningRate(4)).as(optimizer.toString()).isEqualTo(schedule.at(4));
        }
    }
}
