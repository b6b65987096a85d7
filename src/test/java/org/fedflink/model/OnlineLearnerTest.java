package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End-to-end learning on planted data: predict-then-train (prequential) accuracy over the second
 * half of a seeded stream must show the learner has found the planted rule.
 */
class OnlineLearnerTest {

    private static final int EXAMPLES = 4000;

    static Stream<LocalOptimizer> optimizers() {
        return Stream.of(
                LocalOptimizers.sgd(LearningRate.constant(0.5)),
                LocalOptimizers.momentum(LearningRate.inverseSqrt(0.1, 0.01), 0.9),
                LocalOptimizers.adagrad(LearningRate.constant(0.5), 1e-8),
                LocalOptimizers.ftrl(0.5, 1.0, 0.0, 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void learn_logisticOnSeparablePlantedData_prequentialAccuracyAbove95Percent(LocalOptimizer optimizer) {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), optimizer);
        float[] params = learner.initialParams();
        float[] state = learner.initialState();
        Random random = new Random(42L);
        int correctInSecondHalf = 0;

        for (int t = 0; t < EXAMPLES; t++) {
            // planted rule 1.5 x0 - 2 x1 + 0.3 > 0, with a margin of 0.1 so the data are separable
            float x0;
            float x1;
            double margin;
            do {
                x0 = (float) (2 * random.nextDouble() - 1);
                x1 = (float) (2 * random.nextDouble() - 1);
                margin = 1.5 * x0 - 2 * x1 + 0.3;
            } while (Math.abs(margin) < 0.1);
            double label = margin > 0 ? 1 : 0;

            OnlineLearner.Outcome outcome = learner.learn(params, state, t, null, new float[] {x0, x1}, label);

            assertThat(outcome.loss()).isFinite();
            if (t >= EXAMPLES / 2 && outcome.correct()) {
                correctInSecondHalf++;
            }
        }

        assertThat(correctInSecondHalf / (double) (EXAMPLES / 2)).isGreaterThan(0.95);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void learn_softmaxOnThreeGaussianBlobs_prequentialAccuracyAbove95Percent(LocalOptimizer optimizer) {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 2, 3, 1e-4);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), optimizer);
        float[] params = learner.initialParams();
        float[] state = learner.initialState();
        // centres on a circle of radius 3, 120 degrees apart; standard deviation 0.7 per axis
        double[][] centres = {{3, 0}, {-1.5, 2.598}, {-1.5, -2.598}};
        Random random = new Random(7L);
        int correctInSecondHalf = 0;

        for (int t = 0; t < EXAMPLES; t++) {
            int label = random.nextInt(3);
            float[] x = {
                (float) (centres[label][0] + 0.7 * random.nextGaussian()),
                (float) (centres[label][1] + 0.7 * random.nextGaussian())
            };

            OnlineLearner.Outcome outcome = learner.learn(params, state, t, null, x, label);

            if (t >= EXAMPLES / 2 && outcome.correct()) {
                correctInSecondHalf++;
            }
        }

        assertThat(correctInSecondHalf / (double) (EXAMPLES / 2)).isGreaterThan(0.95);
    }

    @Test
    void learn_sparseLogistic_learnsFromPresentFeaturesOnly() {
        // 50 features, 3 present per example (one from each of three groups)
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 50, 2, 0.0);
        OnlineLearner learner =
                new OnlineLearner(Model.of(spec), LocalOptimizers.adagrad(LearningRate.constant(0.5), 1e-8));
        float[] params = learner.initialParams();
        float[] state = learner.initialState();
        Random random = new Random(3L);
        int correctInSecondHalf = 0;

        for (int t = 0; t < EXAMPLES; t++) {
            int a = random.nextInt(16);
            int[] indices = {a, 16 + random.nextInt(17), 33 + random.nextInt(17)};
            float[] values = {1, 1, 1};
            // planted: features 0..7 vote for class 1, 8..15 for class 0; others are noise
            double label = a < 8 ? 1 : 0;

            OnlineLearner.Outcome outcome = learner.learn(params, state, t, indices, values, label);

            if (t >= EXAMPLES / 2 && outcome.correct()) {
                correctInSecondHalf++;
            }
        }

        assertThat(correctInSecondHalf / (double) (EXAMPLES / 2)).isGreaterThan(0.95);
    }

    /**
     * FTRL-Proximal on the sparse problem it was made for: 2^16 hashed-like dimensions, 12 present
     * per example, 40 planted features deciding the label and the rest noise. It must learn the
     * rule, and with L1 keep most of the noise features it met at exactly 0.
     */
    @Test
    void learn_ftrlOnPlantedSparseLogistic_learnsTheRuleAndZeroesNoise() {
        int dimensions = 1 << 16;
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, dimensions, 2, 0.0);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), LocalOptimizers.ftrl(0.5, 1.0, 1.0, 1.0));
        float[] params = learner.initialParams();
        float[] state = learner.initialState();
        Random random = new Random(13L);
        java.util.Set<Integer> seenNoise = new java.util.HashSet<>();
        int correctInSecondHalf = 0;

        for (int t = 0; t < EXAMPLES; t++) {
            // two planted features (0..19 for class 1, 20..39 for class 0) among ten noise ones
            boolean positive = random.nextBoolean();
            int[] indices = new int[12];
            indices[0] = (positive ? 0 : 20) + random.nextInt(20);
            indices[1] = (positive ? 0 : 20) + random.nextInt(20);
            for (int j = 2; j < indices.length; j++) {
                indices[j] = 40 + random.nextInt(dimensions - 40);
                seenNoise.add(indices[j]);
            }
            float[] values = new float[indices.length];
            java.util.Arrays.fill(values, 1f);

            OnlineLearner.Outcome outcome = learner.learn(params, state, t, indices, values, positive ? 1 : 0);

            if (t >= EXAMPLES / 2 && outcome.correct()) {
                correctInSecondHalf++;
            }
        }

        assertThat(correctInSecondHalf / (double) (EXAMPLES / 2)).isGreaterThan(0.95);
        for (int i = 0; i < 40; i++) {
            assertThat(params[i] > 0).as("planted weight %d", i).isEqualTo(i < 20);
        }
        long zeroNoise = seenNoise.stream().filter(i -> params[i] == 0f).count();
        assertThat(zeroNoise).isGreaterThan(seenNoise.size() * 9L / 10);
    }

    @Test
    void learn_linearRegression_reportsNeverCorrectAndShrinkingLoss() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 2, 0, 0.0);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.constant(0.1)));
        float[] params = learner.initialParams();
        float[] state = learner.initialState();
        Random random = new Random(11L);
        double firstLoss = 0;
        double lastLoss = 0;

        for (int t = 0; t < EXAMPLES; t++) {
            float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian()};
            double label = 2 * x[0] - x[1] + 0.5; // noiseless planted linear function
            OnlineLearner.Outcome outcome = learner.learn(params, state, t, null, x, label);
            assertThat(outcome.correct()).isFalse(); // accuracy is undefined for regression
            if (t < 100) {
                firstLoss += outcome.loss();
            } else if (t >= EXAMPLES - 100) {
                lastLoss += outcome.loss();
            }
        }

        assertThat(lastLoss).isLessThan(1e-6 * firstLoss);
        assertThat(params[0]).isCloseTo(2f, within(1e-3f));
        assertThat(params[1]).isCloseTo(-1f, within(1e-3f));
        assertThat(params[2]).isCloseTo(0.5f, within(1e-3f));
    }

    static Stream<Arguments> mlpSetups() {
        return Stream.of(
                Arguments.of(List.of(16), LocalOptimizers.sgd(LearningRate.inverseSqrt(0.5, 1e-3))),
                Arguments.of(List.of(16), LocalOptimizers.momentum(LearningRate.inverseSqrt(0.05, 1e-3), 0.9)),
                Arguments.of(List.of(16), LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8)),
                Arguments.of(List.of(8, 8), LocalOptimizers.sgd(LearningRate.inverseSqrt(0.2, 1e-3))),
                Arguments.of(List.of(8, 8), LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-8)),
                // FTRL starts from the MLP's random initial weights (it re-derives z from them)
                // instead of replacing them with the weights a zero z gives
                Arguments.of(List.of(16), LocalOptimizers.ftrl(0.1, 1.0, 0.0, 0.0)));
    }

    /**
     * XOR of the signs of two uniform coordinates is the classic problem no linear classifier
     * solves: the best half-plane gets well under 75%. The same stream, optimizer and number of
     * passes must take an MLP to 95% training accuracy, so the difference is the hidden layer.
     */
    @ParameterizedTest(name = "hidden={0} {1}")
    @MethodSource("mlpSetups")
    void learn_xor_mlpReaches95PercentWhereSoftmaxStaysBelow75(List<Integer> hidden, LocalOptimizer optimizer) {
        Random random = new Random(2024L);
        int n = 400;
        float[][] xs = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            xs[i] = new float[] {(float) (2 * random.nextDouble() - 1), (float) (2 * random.nextDouble() - 1)};
            labels[i] = (xs[i][0] > 0) == (xs[i][1] > 0) ? 1 : 0;
        }

        double mlp = trainingAccuracy(new ModelSpec(ModelType.MLP, 2, 2, 0.0, hidden), optimizer, xs, labels);
        double softmax = trainingAccuracy(new ModelSpec(ModelType.SOFTMAX, 2, 2, 0.0), optimizer, xs, labels);

        assertThat(mlp).as("mlp training accuracy").isGreaterThanOrEqualTo(0.95);
        assertThat(softmax).as("softmax training accuracy").isLessThan(0.75);
    }

    /** Trains 200 shuffled passes through {@link OnlineLearner#learn}, then scores the training set. */
    private static double trainingAccuracy(ModelSpec spec, LocalOptimizer optimizer, float[][] xs, int[] labels) {
        OnlineLearner learner = new OnlineLearner(Model.of(spec), optimizer);
        float[] params = learner.initialParams(1L);
        float[] state = learner.initialState();
        Random order = new Random(99L);
        int[] permutation = java.util.stream.IntStream.range(0, xs.length).toArray();
        long step = 0;
        for (int epoch = 0; epoch < 200; epoch++) {
            for (int i = permutation.length - 1; i > 0; i--) {
                int j = order.nextInt(i + 1);
                int swap = permutation[i];
                permutation[i] = permutation[j];
                permutation[j] = swap;
            }
            for (int i : permutation) {
                OnlineLearner.Outcome outcome = learner.learn(params, state, step++, null, xs[i], labels[i]);
                assertThat(outcome.loss()).isFinite();
            }
        }
        int correct = 0;
        for (int i = 0; i < xs.length; i++) {
            correct += learner.model().predict(params, null, xs[i]) == labels[i] ? 1 : 0;
        }
        return correct / (double) xs.length;
    }

    @Test
    void learn_mlp_isOneLossAndGradientThenOneApplyGradient() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 3, 3, 0.01, List.of(4));
        LocalOptimizer optimizer = LocalOptimizers.momentum(LearningRate.constant(0.1), 0.5);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), optimizer);
        MultilayerPerceptron reference = new MultilayerPerceptron(spec);
        float[] params = learner.initialParams(7L);
        float[] state = learner.initialState();
        float[] expectedParams = reference.initialParams(7L);
        float[] expectedState = new float[optimizer.stateSize(spec.numParams())];
        float[] gradient = new float[spec.numParams()];
        float[] x = {0.5f, -1f, 2f};

        for (int t = 0; t < 3; t++) {
            double predicted = reference.predict(expectedParams, null, x);
            double expectedLoss = reference.lossAndGradient(expectedParams, null, x, 2, gradient);
            optimizer.applyGradient(expectedParams, expectedState, t, gradient);

            OnlineLearner.Outcome outcome = learner.learn(params, state, t, null, x, 2);

            assertThat(outcome.loss()).isEqualTo(expectedLoss);
            assertThat(outcome.correct()).isEqualTo(predicted == 2);
            assertThat(params).containsExactly(expectedParams);
            assertThat(state).containsExactly(expectedState);
        }
    }

    @Test
    void learn_mlpWithPlainSgd_isTheModelsFusedStepAtTheScheduledRate() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 3, 3, 0.01, List.of(4));
        OnlineLearner learner =
                new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.inverseSqrt(0.5, 0.5)));
        MultilayerPerceptron reference = new MultilayerPerceptron(spec);
        float[] params = learner.initialParams(7L);
        float[] expected = reference.initialParams(7L);
        float[] state = learner.initialState();
        Random random = new Random(5L);
        int correct = 0;

        for (int t = 0; t < 40; t++) {
            float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian()};
            int label = random.nextInt(3);
            double expectedLoss = reference.lossAndSgdStep(expected, null, x, label, 0.5 / Math.sqrt(1 + 0.5 * t));
            boolean expectedCorrect = reference.lastPrediction() == label;

            OnlineLearner.Outcome outcome = learner.learn(params, state, t, null, x, label);

            assertThat(outcome.loss()).isEqualTo(expectedLoss);
            assertThat(outcome.correct()).isEqualTo(expectedCorrect);
            assertThat(params).containsExactly(expected);
            correct += outcome.correct() ? 1 : 0;
        }
        assertThat(state).isEmpty(); // plain SGD has no state
        assertThat(correct).as("both outcomes occur").isBetween(1, 39);
        assertThatThrownBy(() -> learner.learn(params, new float[1], 0, null, new float[3], 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer state has length 1 but 0 is required");
    }

    @Test
    void initialParams_mlpAndLinear_seededRandomAndZeros() {
        ModelSpec mlp = new ModelSpec(ModelType.MLP, 3, 2, 0.0, List.of(4));
        OnlineLearner learner = new OnlineLearner(Model.of(mlp), LocalOptimizers.sgd(LearningRate.constant(0.1)));
        OnlineLearner linear = new OnlineLearner(
                Model.of(new ModelSpec(ModelType.SOFTMAX, 3, 2, 0.0)), LocalOptimizers.sgd(LearningRate.constant(0.1)));

        assertThat(learner.initialParams(5L)).containsExactly(Model.of(mlp).initialParams(5L));
        assertThat(learner.initialParams()).containsExactly(learner.initialParams(0L));
        assertThat(learner.initialParams(5L)).isNotEqualTo(learner.initialParams(0L));
        assertThat(linear.initialParams(5L)).containsOnly(0f).hasSize(8);
    }

    @Test
    void constructor_modelWithoutATrainingInterface_throws() {
        Model opaque = new Model() {
            @Override
            public ModelSpec spec() {
                return new ModelSpec(ModelType.LINEAR, 1, 0, 0.0);
            }

            @Override
            public double predict(float[] params, int[] indices, float[] values) {
                return 0;
            }

            @Override
            public double loss(float[] params, int[] indices, float[] values, double label) {
                return 0;
            }

            @Override
            public void probabilities(float[] params, int[] indices, float[] values, double[] out) {}
        };

        assertThatThrownBy(() -> new OnlineLearner(opaque, LocalOptimizers.sgd(LearningRate.constant(0.1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model must be a LinearModel or a GradientModel, got ");
    }
}
