package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
                LocalOptimizers.adagrad(LearningRate.constant(0.5), 1e-8));
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
}
