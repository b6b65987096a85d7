package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * One or two optimizer steps on tiny models, checked against numbers worked out by hand. The
 * derivation sits next to each expectation; tolerances only absorb float storage (~1e-7).
 */
class LocalOptimizersTest {

    private static final Offset<Float> FLOAT = within(1e-6f);
    private static final ModelSpec LINEAR_2 = new ModelSpec(ModelType.LINEAR, 2, 0, 0.0);
    private static final float[] X = {2, 3};

    /** Loss gradient of the linear model at {@code params} for x = [2, 3], y = 1. */
    private static double[] linearGradient(ModelSpec spec, float[] params) {
        double[] g = new double[1];
        LinearModel.of(spec).lossAndOutputGradient(params, null, X, 1, g);
        return g;
    }

    @Test
    void sgd_oneDenseStep_matchesHandComputation() {
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.1));
        float[] params = {0.5f, -1f, 0.25f};
        // z = 0.5*2 + (-1)*3 + 0.25 = -1.75; g = z - y = -2.75
        double[] g = linearGradient(LINEAR_2, params);
        assertThat(g[0]).isEqualTo(-2.75);

        sgd.step(params, new float[0], 0, LINEAR_2, null, X, g);

        // w0 = 0.5  - 0.1 * (-2.75 * 2) = 0.5 + 0.55  = 1.05
        // w1 = -1   - 0.1 * (-2.75 * 3) = -1 + 0.825  = -0.175
        // b  = 0.25 - 0.1 * (-2.75)     = 0.25 + 0.275 = 0.525
        assertThat(params[0]).isCloseTo(1.05f, FLOAT);
        assertThat(params[1]).isCloseTo(-0.175f, FLOAT);
        assertThat(params[2]).isCloseTo(0.525f, FLOAT);
    }

    @Test
    void sgd_oneDenseStepWithL2_regularisesWeightsButNotBias() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 2, 0, 0.5);
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.1));
        float[] params = {0.5f, -1f, 0.25f};
        double[] g = linearGradient(spec, params); // -2.75 as above: L2 is not part of g

        sgd.step(params, new float[0], 0, spec, null, X, g);

        // grad w0 = -2.75*2 + 0.5*0.5    = -5.25 -> w0 = 0.5 + 0.525 = 1.025
        // grad w1 = -2.75*3 + 0.5*(-1)   = -8.75 -> w1 = -1 + 0.875  = -0.125
        // grad b  = -2.75 (no L2)                -> b  = 0.25 + 0.275 = 0.525
        assertThat(params[0]).isCloseTo(1.025f, FLOAT);
        assertThat(params[1]).isCloseTo(-0.125f, FLOAT);
        assertThat(params[2]).isCloseTo(0.525f, FLOAT);
    }

    @Test
    void sgd_decayingSchedule_usesTheRateOfTheGivenStep() {
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.inverse(0.1, 1.0));
        float[] params = {0.5f, -1f, 0.25f};

        // lr(3) = 0.1 / (1 + 3) = 0.025; b = 0.25 - 0.025 * (-2.75) = 0.31875
        sgd.step(params, new float[0], 3, LINEAR_2, null, X, linearGradient(LINEAR_2, params));

        assertThat(params[2]).isCloseTo(0.31875f, FLOAT);
    }

    @Test
    void momentum_twoDenseSteps_matchHandComputation() {
        LocalOptimizer momentum = LocalOptimizers.momentum(LearningRate.constant(0.1), 0.9);
        float[] params = {0.5f, -1f, 0.25f};
        float[] velocity = new float[momentum.stateSize(3)];

        // Step 1: v = 0 * 0.9 + grad = g * [x, 1] = -2.75 * [2, 3, 1] = [-5.5, -8.25, -2.75];
        // w -= 0.1 * v gives the SGD result [1.05, -0.175, 0.525].
        momentum.step(params, velocity, 0, LINEAR_2, null, X, linearGradient(LINEAR_2, params));
        assertThat(velocity[0]).isCloseTo(-5.5f, FLOAT);
        assertThat(velocity[1]).isCloseTo(-8.25f, FLOAT);
        assertThat(velocity[2]).isCloseTo(-2.75f, FLOAT);
        assertThat(params[0]).isCloseTo(1.05f, FLOAT);
        assertThat(params[1]).isCloseTo(-0.175f, FLOAT);
        assertThat(params[2]).isCloseTo(0.525f, FLOAT);

        // Step 2, same example: z = 1.05*2 - 0.175*3 + 0.525 = 2.1; g = 2.1 - 1 = 1.1;
        // grad = 1.1 * [2, 3, 1] = [2.2, 3.3, 1.1]
        // v = 0.9 * [-5.5, -8.25, -2.75] + grad = [-4.95+2.2, -7.425+3.3, -2.475+1.1]
        //   = [-2.75, -4.125, -1.375]
        // w = [1.05, -0.175, 0.525] - 0.1 * v = [1.325, 0.2375, 0.6625]
        double[] g = linearGradient(LINEAR_2, params);
        assertThat(g[0]).isCloseTo(1.1, within(1e-6));
        momentum.step(params, velocity, 1, LINEAR_2, null, X, g);
        assertThat(velocity[0]).isCloseTo(-2.75f, FLOAT);
        assertThat(velocity[1]).isCloseTo(-4.125f, FLOAT);
        assertThat(velocity[2]).isCloseTo(-1.375f, FLOAT);
        assertThat(params[0]).isCloseTo(1.325f, FLOAT);
        assertThat(params[1]).isCloseTo(0.2375f, FLOAT);
        assertThat(params[2]).isCloseTo(0.6625f, FLOAT);
    }

    @Test
    void adagrad_oneLogisticStep_matchesHandComputation() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.5), 0.1);
        float[] params = new float[3];
        float[] sumSquares = new float[adagrad.stateSize(3)];
        float[] x = {1, -2};
        double[] g = new double[1];

        // z = 0, p = sigmoid(0) = 0.5, y = 1: loss = log 2, g = p - y = -0.5
        double loss = LinearModel.of(spec).lossAndOutputGradient(params, null, x, 1, g);
        assertThat(loss).isCloseTo(Math.log(2), within(1e-12));
        assertThat(g[0]).isEqualTo(-0.5);

        adagrad.step(params, sumSquares, 0, spec, null, x, g);

        // grad = -0.5 * [1, -2, 1] = [-0.5, 1, -0.5]; G = grad^2 = [0.25, 1, 0.25]
        // sqrt(G) + eps = [0.6, 1.1, 0.6]
        // w0 = 0 - 0.5 * (-0.5) / 0.6 = 0.41666...;  w1 = 0 - 0.5 * 1 / 1.1 = -0.45454...
        // b  = 0 - 0.5 * (-0.5) / 0.6 = 0.41666...
        assertThat(sumSquares).containsExactly(0.25f, 1f, 0.25f);
        assertThat(params[0]).isCloseTo((float) (0.25 / 0.6), FLOAT);
        assertThat(params[1]).isCloseTo((float) (-0.5 / 1.1), FLOAT);
        assertThat(params[2]).isCloseTo((float) (0.25 / 0.6), FLOAT);
    }

    @Test
    void momentum_oneDenseStepWithL2_velocityIncludesL2OnWeightsOnly() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 2, 0, 0.5);
        LocalOptimizer momentum = LocalOptimizers.momentum(LearningRate.constant(0.1), 0.9);
        float[] params = {0.5f, -1f, 0.25f};
        float[] velocity = new float[3];

        momentum.step(params, velocity, 0, spec, null, X, linearGradient(spec, params));

        // g = -2.75 (see the SGD test); v = grad = [-2.75*2 + 0.5*0.5, -2.75*3 + 0.5*(-1), -2.75]
        //   = [-5.25, -8.75, -2.75]; w -= 0.1 * v = [1.025, -0.125, 0.525]
        assertThat(velocity[0]).isCloseTo(-5.25f, FLOAT);
        assertThat(velocity[1]).isCloseTo(-8.75f, FLOAT);
        assertThat(velocity[2]).isCloseTo(-2.75f, FLOAT);
        assertThat(params[0]).isCloseTo(1.025f, FLOAT);
        assertThat(params[1]).isCloseTo(-0.125f, FLOAT);
        assertThat(params[2]).isCloseTo(0.525f, FLOAT);
    }

    @Test
    void adagrad_oneLogisticStepWithL2_zeroGradientCoordinateStaysPut() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.5);
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.5), 0.1);
        float[] params = {1, -1, 0};
        float[] sumSquares = new float[3];
        float[] x = {1, 1};
        double[] g = new double[1];

        // z = 1 - 1 + 0 = 0, p = 0.5, y = 1: g = -0.5
        LinearModel.of(spec).lossAndOutputGradient(params, null, x, 1, g);
        adagrad.step(params, sumSquares, 0, spec, null, x, g);

        // grad w0 = -0.5*1 + 0.5*1    = 0   -> G = 0,    w0 = 1 - 0.5 * 0 / (0 + 0.1) = 1
        // grad w1 = -0.5*1 + 0.5*(-1) = -1  -> G = 1,    w1 = -1 + 0.5 * 1 / 1.1   = -0.545454...
        // grad b  = -0.5 (no L2)            -> G = 0.25, b  = 0 + 0.5 * 0.5 / 0.6  = 0.416666...
        assertThat(sumSquares).containsExactly(0f, 1f, 0.25f);
        assertThat(params[0]).isEqualTo(1f);
        assertThat(params[1]).isCloseTo((float) (-1 + 0.5 / 1.1), FLOAT);
        assertThat(params[2]).isCloseTo((float) (0.25 / 0.6), FLOAT);
    }

    @Test
    void adagrad_secondStep_dividesBySqrtOfAccumulatedSquares() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 1, 0, 0.0);
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(1.0), 1e-3);
        float[] params = new float[2];
        float[] state = {9f, 16f}; // as if earlier steps had accumulated G = [9, 16]

        // g = 4 (given), x = [1]: grad = [4, 4]; G = [9 + 16, 16 + 16] = [25, 32]
        // w0 = -4 / (5 + 0.001) = -0.7998400...; b = -4 / (sqrt(32) + 0.001) = -0.7069818...
        adagrad.step(params, state, 5, spec, null, new float[] {1}, new double[] {4});

        assertThat(state).containsExactly(25f, 32f);
        assertThat(params[0]).isCloseTo((float) (-4 / 5.001), FLOAT);
        assertThat(params[1]).isCloseTo((float) (-4 / (Math.sqrt(32) + 0.001)), FLOAT);
    }

    @Test
    void sgd_sparseStepWithL2_touchesOnlyListedCoordinatesAndBias() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 5, 0, 0.1);
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.5));
        float[] params = {1, 2, 3, 4, 5, 0};
        int[] indices = {1, 3};
        float[] values = {2, -1};
        double[] g = new double[1];

        // z = 2*2 + 4*(-1) + 0 = 0; y = 1: g = -1
        LinearModel.of(spec).lossAndOutputGradient(params, indices, values, 1, g);
        assertThat(g[0]).isEqualTo(-1.0);

        sgd.step(params, new float[0], 0, spec, indices, values, g);

        // grad w1 = -1*2 + 0.1*2       = -1.8 -> w1 = 2 + 0.5*1.8 = 2.9
        // grad w3 = -1*(-1) + 0.1*4    = 1.4  -> w3 = 4 - 0.5*1.4 = 3.3
        // grad b  = -1                        -> b  = 0 + 0.5     = 0.5
        // w0, w2, w4 are not in the example: untouched even though l2 > 0 (lazy L2)
        assertThat(params[1]).isCloseTo(2.9f, FLOAT);
        assertThat(params[3]).isCloseTo(3.3f, FLOAT);
        assertThat(params[5]).isCloseTo(0.5f, FLOAT);
        assertThat(params[0]).isEqualTo(1f);
        assertThat(params[2]).isEqualTo(3f);
        assertThat(params[4]).isEqualTo(5f);
    }

    @Test
    void statefulOptimizers_sparseStep_leaveStateOfAbsentCoordinatesAlone() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 3, 2, 0.1);
        int[] indices = {2};
        float[] values = {1};
        double[] g = {0.5, -0.5};
        for (LocalOptimizer optimizer : new LocalOptimizer[] {
            LocalOptimizers.momentum(LearningRate.constant(0.1), 0.9),
            LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8),
            LocalOptimizers.ftrl(0.1, 1.0, 0.0, 0.0)
        }) {
            float[] params = {1, 1, 1, 1, 1, 1, 1, 1};
            float[] state = new float[optimizer.stateSize(8)];
            java.util.Arrays.fill(state, 7);

            optimizer.step(params, state, 0, spec, indices, values, g);

            // rows are [w0, w1, w2, b]; touched: w2 and b of both classes (indices 2, 3, 6, 7),
            // whose state is at p (and at 8 + p for FTRL's second float)
            for (int p : new int[] {0, 1, 4, 5}) {
                assertThat(params[p]).as("%s param %d", optimizer, p).isEqualTo(1f);
                for (int q = p; q < state.length; q += 8) {
                    assertThat(state[q]).as("%s state %d", optimizer, q).isEqualTo(7f);
                }
            }
            for (int p : new int[] {2, 3, 6, 7}) {
                assertThat(params[p]).as("%s param %d", optimizer, p).isNotEqualTo(1f);
                for (int q = p; q < state.length; q += 8) {
                    assertThat(state[q]).as("%s state %d", optimizer, q).isNotEqualTo(7f);
                }
            }
        }
    }

    @Test
    void softmax_oneSgdStep_movesEachRowByItsOutputGradient() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 1, 2, 0.0);
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(1.0));
        float[] params = new float[4];
        double[] g = new double[2];

        // all scores 0: p = [0.5, 0.5]; y = 1: g = [0.5, -0.5]
        LinearModel.of(spec).lossAndOutputGradient(params, null, new float[] {2}, 1, g);
        sgd.step(params, new float[0], 0, spec, null, new float[] {2}, g);

        // row 0: w = -0.5*2 = -1, b = -0.5; row 1: w = 0.5*2 = 1, b = 0.5
        assertThat(params).containsExactly(-1f, -0.5f, 1f, 0.5f);
    }

    @Test
    void stateSize_perOptimizer_isZeroForSgdTwoPerParameterForFtrlAndOneOtherwise() {
        assertThat(LocalOptimizers.sgd(LearningRate.constant(1)).stateSize(12)).isZero();
        assertThat(LocalOptimizers.momentum(LearningRate.constant(1), 0.5).stateSize(12)).isEqualTo(12);
        assertThat(LocalOptimizers.adagrad(LearningRate.constant(1), 1e-6).stateSize(12)).isEqualTo(12);
        assertThat(LocalOptimizers.ftrl(0.1, 1, 0, 0).stateSize(12)).isEqualTo(24);
    }

    @Test
    void step_stateOfWrongLength_throwsNamingBothLengths() {
        LocalOptimizer momentum = LocalOptimizers.momentum(LearningRate.constant(0.1), 0.9);

        assertThatThrownBy(() -> momentum.step(new float[3], new float[2], 0, LINEAR_2, null, X, new double[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer state has length 2 but 3 is required");
    }

    @Test
    void step_paramsOfWrongLength_throwsNamingBothLengths() {
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.1));

        assertThatThrownBy(() -> sgd.step(new float[4], new float[0], 0, LINEAR_2, null, X, new double[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("params has length 4 but the model has 3 parameters");
    }

    @Test
    void sgd_applyGradient_movesEveryCoordinateByTheScheduledRate() {
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.inverse(0.1, 1.0));
        float[] params = {0.5f, -1f, 0.25f};
        float[] gradient = {1f, -2f, 0.5f};

        sgd.applyGradient(params, new float[0], 1, gradient);

        // lr(1) = 0.1 / 2 = 0.05: w = [0.5 - 0.05, -1 + 0.1, 0.25 - 0.025]
        assertThat(params[0]).isCloseTo(0.45f, FLOAT);
        assertThat(params[1]).isCloseTo(-0.9f, FLOAT);
        assertThat(params[2]).isCloseTo(0.225f, FLOAT);
        assertThat(gradient).containsExactly(1f, -2f, 0.5f); // read only
    }

    @Test
    void momentum_twoApplyGradientSteps_matchHandComputation() {
        LocalOptimizer momentum = LocalOptimizers.momentum(LearningRate.constant(0.1), 0.9);
        float[] params = {1f, 2f};
        float[] velocity = new float[momentum.stateSize(2)];

        // v = [1, -1]; w = [1 - 0.1, 2 + 0.1] = [0.9, 2.1]
        momentum.applyGradient(params, velocity, 0, new float[] {1, -1});
        assertThat(velocity).containsExactly(1f, -1f);
        assertThat(params[0]).isCloseTo(0.9f, FLOAT);
        assertThat(params[1]).isCloseTo(2.1f, FLOAT);

        // v = 0.9 * [1, -1] + [0, 0.5] = [0.9, -0.4]; w = [0.9 - 0.09, 2.1 + 0.04] = [0.81, 2.14]
        momentum.applyGradient(params, velocity, 1, new float[] {0, 0.5f});
        assertThat(velocity[0]).isCloseTo(0.9f, FLOAT);
        assertThat(velocity[1]).isCloseTo(-0.4f, FLOAT);
        assertThat(params[0]).isCloseTo(0.81f, FLOAT);
        assertThat(params[1]).isCloseTo(2.14f, FLOAT);
    }

    @Test
    void adagrad_withAccumulatorDecay_forgetsTheOldSquares() {
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.5), 0.1, 0.5);
        float[] params = {0f};
        float[] sumSquares = new float[adagrad.stateSize(1)];

        adagrad.applyGradient(params, sumSquares, 0, new float[] {2f});
        // G = 0.5 * 4 + 1 = 3; w = -0.5 * 2 / (2 + 0.1) - 0.5 * 1 / (sqrt(3) + 0.1)
        adagrad.applyGradient(params, sumSquares, 1, new float[] {1f});

        assertThat(sumSquares).containsExactly(3f);
        assertThat(params[0]).isCloseTo((float) (-1 / 2.1 - 0.5 / (Math.sqrt(3) + 0.1)), FLOAT);
    }

    /** A constant gradient: Adagrad's steps shrink like 1 / sqrt(t); with decay they level off. */
    @Test
    void adagrad_withAccumulatorDecay_stepsLevelOffAtLrTimesSqrtOfOneMinusDecay() {
        double decay = 0.99;
        LocalOptimizer forgetting = LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8, decay);
        LocalOptimizer classic = LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8);
        float[] a = {0f};
        float[] b = {0f};
        float[] stateA = new float[1];
        float[] stateB = new float[1];
        float before = 0;
        float classicBefore = 0;
        for (int t = 0; t < 5000; t++) {
            before = a[0];
            classicBefore = b[0];
            forgetting.applyGradient(a, stateA, t, new float[] {-3f});
            classic.applyGradient(b, stateB, t, new float[] {-3f});
        }

        double step = (double) a[0] - before;
        assertThat(step).isCloseTo(0.1 * Math.sqrt(1 - decay), within(1e-4));
        // Adagrad's 5,000th step: 0.1 / sqrt(5000), a seventh of it
        assertThat((double) b[0] - classicBefore).isCloseTo(0.1 / Math.sqrt(5000), within(1e-4))
                .isLessThan(step / 5);
        assertThatThrownBy(() -> LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("decay must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void adagrad_twoApplyGradientSteps_divideBySqrtOfAccumulatedSquares() {
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.5), 0.1);
        float[] params = {0f, 1f, 2f};
        float[] sumSquares = new float[adagrad.stateSize(3)];

        // G = [0.25, 1, 0]; w0 = 0 - 0.5 * (-0.5) / 0.6 = 0.41666..., w1 = 1 - 0.5 / 1.1; w2 has g = 0: stays
        adagrad.applyGradient(params, sumSquares, 0, new float[] {-0.5f, 1f, 0f});
        assertThat(sumSquares).containsExactly(0.25f, 1f, 0f);
        assertThat(params[0]).isCloseTo((float) (0.25 / 0.6), FLOAT);
        assertThat(params[1]).isCloseTo((float) (1 - 0.5 / 1.1), FLOAT);
        assertThat(params[2]).isEqualTo(2f);

        // G = [0.25 + 4, 1 + 0, 0 + 0]; w0 -= 0.5 * 2 / (sqrt(4.25) + 0.1); w1 unchanged (g = 0)
        float w1 = params[1];
        adagrad.applyGradient(params, sumSquares, 1, new float[] {2f, 0f, 0f});
        assertThat(sumSquares).containsExactly(4.25f, 1f, 0f);
        assertThat(params[0]).isCloseTo((float) (0.25 / 0.6 - 1 / (Math.sqrt(4.25) + 0.1)), FLOAT);
        assertThat(params[1]).isEqualTo(w1);
    }

    /**
     * The two entry points implement one rule: a full gradient assembled from a linear model's
     * output gradient as {@link LocalOptimizer} defines it (L2 on weights only) moves a dense model
     * exactly like the row-wise step, up to the float storage of the gradient.
     */
    @Test
    void applyGradient_fullGradientOfADenseLinearModel_matchesRowWiseStep() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 3, 3, 0.2);
        LinearModel model = LinearModel.of(spec);
        Random random = new Random(8L);
        for (LocalOptimizer optimizer : new LocalOptimizer[] {
            LocalOptimizers.sgd(LearningRate.inverseSqrt(0.3, 0.5)),
            LocalOptimizers.momentum(LearningRate.constant(0.1), 0.9),
            LocalOptimizers.adagrad(LearningRate.constant(0.5), 1e-3),
            LocalOptimizers.ftrl(0.5, 1.0, 0.01, 0.1)
        }) {
            float[] rowWise = MultilayerPerceptronTest.gaussian(random, spec.numParams(), 1.0);
            float[] full = rowWise.clone();
            float[] rowState = new float[optimizer.stateSize(spec.numParams())];
            float[] fullState = rowState.clone();
            float[] gradient = new float[spec.numParams()];
            double[] g = new double[spec.outputs()];
            for (int t = 0; t < 5; t++) {
                float[] x = MultilayerPerceptronTest.gaussian(random, 3, 1.0);
                int label = random.nextInt(3);

                model.lossAndOutputGradient(rowWise, null, x, label, g);
                optimizer.step(rowWise, rowState, t, spec, null, x, g);

                model.lossAndOutputGradient(full, null, x, label, g);
                for (int k = 0; k < 3; k++) {
                    int row = k * spec.rowLength();
                    for (int j = 0; j < 3; j++) {
                        gradient[row + j] = (float) (g[k] * x[j] + spec.l2() * full[row + j]);
                    }
                    gradient[row + 3] = (float) g[k];
                }
                optimizer.applyGradient(full, fullState, t, gradient);
            }
            for (int p = 0; p < spec.numParams(); p++) {
                assertThat(full[p]).as("%s param %d", optimizer, p).isCloseTo(rowWise[p], within(1e-5f));
            }
            for (int p = 0; p < rowState.length; p++) {
                assertThat(fullState[p]).as("%s state %d", optimizer, p).isCloseTo(rowState[p], within(1e-5f));
            }
        }
    }

    @Test
    void applyGradient_wrongLengths_throwNamingBothLengths() {
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-6);

        assertThatThrownBy(() -> adagrad.applyGradient(new float[3], new float[3], 0, new float[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gradient has length 4 but params has length 3");
        assertThatThrownBy(() -> adagrad.applyGradient(new float[3], new float[0], 0, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer state has length 0 but 3 is required");
        assertThatThrownBy(() -> LocalOptimizers.sgd(LearningRate.constant(0.1))
                        .applyGradient(new float[3], new float[3], 0, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer state has length 3 but 0 is required");
    }

    @Test
    void step_mlpSpec_throwsPointingToApplyGradient() {
        ModelSpec mlp = new ModelSpec(ModelType.MLP, 2, 2, 0.0, java.util.List.of(2));
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.1));

        assertThatThrownBy(() -> sgd.step(new float[mlp.numParams()], new float[0], 0, mlp, null, X, new double[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the row-wise step needs a linear model, got an MLP spec");
    }
}
