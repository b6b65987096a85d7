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
 * The multilayer perceptron against an independent reference: a straightforward double-precision
 * forward pass written here from the layout documented in {@link ModelSpec}, and central finite
 * differences of the loss for the gradient.
 */
class MultilayerPerceptronTest {

    private static final int FEATURES = 7;
    private static final int CLASSES = 3;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(List.of(5), 0.0, false),
                Arguments.of(List.of(5), 0.3, false),
                Arguments.of(List.of(6, 4), 0.0, false),
                Arguments.of(List.of(6, 4), 0.3, false),
                Arguments.of(List.of(5), 0.3, true),
                Arguments.of(List.of(6, 4), 0.3, true));
    }

    @ParameterizedTest(name = "hidden={0} l2={1} sparse={2}")
    @MethodSource("shapes")
    void lossAndGradient_randomParameters_matchesCentralFiniteDifferencesOfLossPlusL2(
            List<Integer> hidden, double l2, boolean sparse) {
        ModelSpec spec = new ModelSpec(ModelType.MLP, FEATURES, CLASSES, l2, hidden);
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        Random random = new Random(20240612L + hidden.size() * 7L + (l2 > 0 ? 1 : 0) + (sparse ? 2 : 0));
        float[] gradient = new float[spec.numParams()];
        for (int trial = 0; trial < 10; trial++) {
            float[] params = gaussian(random, spec.numParams(), 1.0);
            int[] indices = sparse ? new int[] {0, 2, 3, 6} : null;
            float[] values;
            // Finite differences are meaningless across a ReLU kink: redraw the example until every
            // hidden pre-activation is far from 0 compared with what a step of h can move it.
            do {
                values = gaussian(random, sparse ? indices.length : FEATURES, 1.0);
            } while (Reference.closestKink(spec, params, indices, values) < 1e-2);
            int label = random.nextInt(CLASSES);
            java.util.Arrays.fill(gradient, Float.NaN); // every entry must be overwritten

            double loss = model.lossAndGradient(params, indices, values, label, gradient);

            assertThat(loss).isCloseTo(model.loss(params, indices, values, label), within(1e-12));
            double[] numeric = finiteDifferences(spec, model, params, indices, values, label);
            for (int p = 0; p < params.length; p++) {
                assertThat((double) gradient[p])
                        .as("d (loss + l2 penalty) / d param %d (trial %d)", p, trial)
                        .isCloseTo(numeric[p], within(2e-6 * Math.max(1.0, Math.abs(numeric[p]))));
            }
        }
    }

    @Test
    void lossAndGradient_sparseExample_equalsTheDenseEquivalent() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 5, 3, 0.1, List.of(4, 3));
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        float[] params = model.initialParams(5L);
        float[] dense = {0, 1.5f, 0, -2, 0};
        float[] denseGradient = new float[spec.numParams()];
        float[] sparseGradient = new float[spec.numParams()];

        double denseLoss = model.lossAndGradient(params, null, dense, 2, denseGradient);
        double sparseLoss = model.lossAndGradient(params, new int[] {1, 3}, new float[] {1.5f, -2}, 2, sparseGradient);

        assertThat(sparseLoss).isEqualTo(denseLoss);
        assertThat(sparseGradient).containsExactly(denseGradient);
        assertThat(model.predict(params, new int[] {1, 3}, new float[] {1.5f, -2}))
                .isEqualTo(model.predict(params, null, dense));
    }

    @ParameterizedTest(name = "hidden={0}")
    @MethodSource("hiddenLayers")
    void probabilitiesLossAndPrediction_randomModels_matchReferenceForwardPass(List<Integer> hidden) {
        ModelSpec spec = new ModelSpec(ModelType.MLP, FEATURES, 4, 0.0, hidden);
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        Random random = new Random(31L);
        double[] p = new double[5];
        for (int trial = 0; trial < 50; trial++) {
            float[] params = gaussian(random, spec.numParams(), 1.5);
            float[] x = gaussian(random, FEATURES, 2.0);
            double[] logits = Reference.logits(spec, params, null, x);
            p[4] = 42; // beyond the outputs: must be left alone

            model.probabilities(params, null, x, p);

            double sum = 0;
            int argmax = 0;
            for (int k = 0; k < 4; k++) {
                sum += p[k];
                argmax = logits[k] > logits[argmax] ? k : argmax;
                assertThat(p[k]).isBetween(0.0, 1.0);
            }
            assertThat(sum).isCloseTo(1.0, within(1e-12));
            assertThat(p[4]).isEqualTo(42.0);
            assertThat(model.predict(params, null, x)).isEqualTo(argmax);
            for (int y = 0; y < 4; y++) {
                double referenceLoss = Reference.logSumExp(logits) - logits[y];
                assertThat(model.loss(params, null, x, y))
                        .as("loss of class %d", y)
                        .isCloseTo(referenceLoss, within(1e-9));
                assertThat(model.loss(params, null, x, y)).isCloseTo(-Math.log(p[y]), within(1e-9));
            }
        }
    }

    static Stream<List<Integer>> hiddenLayers() {
        return Stream.of(List.of(6), List.of(6, 5));
    }

    @Test
    void loss_logitsTrailingByThousands_isFiniteAndTheGap() {
        // 1 feature -> 1 hidden unit (weight 1, bias 0) -> 2 classes with logits 1000*h and -1000*h
        ModelSpec spec = new ModelSpec(ModelType.MLP, 1, 2, 0.0, List.of(1));
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        float[] params = {1, 0, 1000, 0, -1000, 0};
        float[] x = {1};
        float[] gradient = new float[6];

        // logits (1000, -1000): -log p_1 = 2000 + log(1 + e^-2000) = 2000
        assertThat(model.loss(params, null, x, 1)).isCloseTo(2000.0, within(1e-9));
        assertThat(model.lossAndGradient(params, null, x, 1, gradient)).isCloseTo(2000.0, within(1e-9));
        // output errors p - onehot(1) = (1, -1): bias gradients 1 and -1, hidden error 1000 + 1000
        assertThat(gradient).containsExactly(2000f, 2000f, 1f, 1f, -1f, -1f);
        double[] p = new double[2];
        model.probabilities(params, null, x, p);
        assertThat(p).containsExactly(1.0, 0.0);
    }

    @Test
    void predict_tiedLogits_returnsLowestIndex() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 1, 3, 0.0, List.of(1));
        // hidden unit relu(x); logits (0*h + 1, 0*h + 2, 0*h + 2)
        float[] params = {1, 0, 0, 1, 0, 2, 0, 2};

        assertThat(new MultilayerPerceptron(spec).predict(params, null, new float[] {3})).isEqualTo(1.0);
    }

    @Test
    void lossAndGradient_deadHiddenUnit_getsNoGradientFromTheLoss() {
        // 2 hidden units: unit 0 is active (pre-activation 1), unit 1 dead (pre-activation -1)
        ModelSpec spec = new ModelSpec(ModelType.MLP, 1, 2, 0.0, List.of(2));
        float[] params = {1, 0, -1, 0, /* output */ 1, 1, 0, -1, -1, 0};
        float[] gradient = new float[params.length];

        new MultilayerPerceptron(spec).lossAndGradient(params, null, new float[] {1}, 0, gradient);

        // row of the dead unit: weight and bias gradients are exactly 0
        assertThat(gradient[2]).isEqualTo(0f);
        assertThat(gradient[3]).isEqualTo(0f);
        assertThat(gradient[0]).isNotEqualTo(0f);
    }

    @ParameterizedTest(name = "hidden={0} l2={1} sparse={2}")
    @MethodSource("shapes")
    void lossAndSgdStep_randomParameters_equalsGradientThenSgdApplyGradientUpToFloatRounding(
            List<Integer> hidden, double l2, boolean sparse) {
        ModelSpec spec = new ModelSpec(ModelType.MLP, FEATURES, CLASSES, l2, hidden);
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        Sgd sgd = new Sgd(LearningRate.constant(0.05));
        Random random = new Random(77L + hidden.size() * 7L + (l2 > 0 ? 1 : 0) + (sparse ? 2 : 0));
        float[] gradient = new float[spec.numParams()];
        for (int trial = 0; trial < 20; trial++) {
            float[] params = gaussian(random, spec.numParams(), 1.0);
            int[] indices = sparse ? new int[] {0, 2, 3, 6} : null;
            float[] values;
            // the float pass must see the same ReLU pattern as the exact one
            do {
                values = gaussian(random, sparse ? indices.length : FEATURES, 1.0);
                if (!sparse) {
                    values[random.nextInt(FEATURES)] = 0; // a zero input, skipped by the step
                }
            } while (Reference.closestKink(spec, params, indices, values) < 1e-2);
            int label = random.nextInt(CLASSES);
            float[] expected = params.clone();
            double expectedLoss = model.lossAndGradient(expected, indices, values, label, gradient);
            sgd.applyGradient(expected, new float[0], 0, gradient);

            double loss = model.lossAndSgdStep(params, indices, values, label, 0.05);

            // the float pass: logits of magnitude ~10 carry float rounding of ~1e-6
            assertThat(loss).isCloseTo(expectedLoss, within(1e-4 * Math.max(1, expectedLoss)));
            for (int p = 0; p < params.length; p++) {
                assertThat(params[p])
                        .as("param %d (trial %d)", p, trial)
                        .isCloseTo(expected[p], within(1e-5f * Math.max(1f, Math.abs(expected[p]))));
            }
        }
    }

    @Test
    void lossAndSgdStep_sparseExample_equalsTheDenseEquivalentExactly() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 5, 3, 0.0, List.of(4, 3));
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        float[] dense = model.initialParams(5L);
        float[] sparse = dense.clone();

        double denseLoss = model.lossAndSgdStep(dense, null, new float[] {0, 1.5f, 0, -2, 0}, 2, 0.1);
        double densePrediction = model.lastPrediction();
        double sparseLoss = model.lossAndSgdStep(sparse, new int[] {1, 3}, new float[] {1.5f, -2}, 2, 0.1);

        assertThat(sparseLoss).isEqualTo(denseLoss);
        assertThat(model.lastPrediction()).isEqualTo(densePrediction);
        assertThat(sparse).containsExactly(dense);
        assertThat(sparse).isNotEqualTo(model.initialParams(5L)); // the step did move something
    }

    @Test
    void lossAndSgdStep_zeroInputsAndDeadUnits_leaveTheirWeightsBitForBit() {
        // hidden unit 0 fires (pre-activation 1), unit 1 does not (pre-activation -1); input 1 is 0
        ModelSpec spec = new ModelSpec(ModelType.MLP, 2, 2, 0.0, List.of(2));
        float[] params = {1, 0.5f, 0, -1, 0.25f, 0, /* output */ 1, 1, 0, -1, -1, 0};
        float[] before = params.clone();

        new MultilayerPerceptron(spec).lossAndSgdStep(params, null, new float[] {1, 0}, 0, 0.1);

        assertThat(params[0]).as("live unit, present input").isNotEqualTo(before[0]);
        assertThat(params[1]).as("live unit, zero input").isEqualTo(before[1]);
        assertThat(params[2]).as("live unit, bias").isNotEqualTo(before[2]);
        assertThat(java.util.Arrays.copyOfRange(params, 3, 6))
                .as("dead unit's row")
                .containsExactly(java.util.Arrays.copyOfRange(before, 3, 6));
        assertThat(params[7]).as("output weight from the dead unit, class 0").isEqualTo(before[7]);
        assertThat(params[10]).as("output weight from the dead unit, class 1").isEqualTo(before[10]);
        assertThat(params[6]).as("output weight from the live unit").isNotEqualTo(before[6]);
    }

    @Test
    void lossAndSgdStep_l2WithSparseInput_decaysEveryWeightButNoBias() {
        // L2 reaches every weight (see GradientModel), absent features and dead units included.
        // Unit 0 fires on x = (1, absent, absent); unit 1 (pre-activation -0.75) does not.
        ModelSpec spec = new ModelSpec(ModelType.MLP, 3, 2, 0.5, List.of(2));
        float[] params = {1, 0, 0.5f, 0, -1, 0, 0.5f, 0.25f, /* output */ 1, 1, 0, -1, -1, 0};
        float keep = 1 - 0.1f * 0.5f;

        new MultilayerPerceptron(spec).lossAndSgdStep(params, new int[] {0}, new float[] {1}, 1, 0.1);

        assertThat(params[2]).as("live unit, absent feature").isCloseTo(0.5f * keep, within(1e-7f));
        assertThat(params[4]).as("dead unit, present feature").isCloseTo(-keep, within(1e-7f));
        assertThat(params[6]).as("dead unit, absent feature").isCloseTo(0.5f * keep, within(1e-7f));
        assertThat(params[7]).as("dead unit's bias").isEqualTo(0.25f);
        assertThat(params[0]).as("live unit, present feature: loss term too").isNotCloseTo(keep, within(1e-3f));
    }

    @Test
    void lossAndSgdStep_invalidArguments_throwAndLeaveParamsUnchanged() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 2, 3, 0.0, List.of(2));
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        float[] params = model.initialParams(1L);
        float[] before = params.clone();

        assertThatThrownBy(() -> model.lossAndSgdStep(params, null, new float[] {1, 1}, 0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("learningRate must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> model.lossAndSgdStep(params, null, new float[] {1, 1}, 0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("learningRate must be finite and > 0, got NaN");
        assertThatThrownBy(() -> model.lossAndSgdStep(params, null, new float[] {1, 1}, 3, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp label must be a class index in [0, 3), got 3.0");
        assertThatThrownBy(() -> model.lossAndSgdStep(params, null, new float[] {1, 1, 1}, 0, 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dense values have length 3 but the model has 2 features");
        assertThat(params).containsExactly(before);
    }

    @Test
    void lastPrediction_isThePredictionOfTheLatestPassBeforeAnyStep() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 3, 4, 0.0, List.of(5));
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        Random random = new Random(12L);
        float[] gradient = new float[spec.numParams()];

        assertThatThrownBy(model::lastPrediction)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no forward pass yet: lastPrediction needs an earlier call with an example");
        for (int trial = 0; trial < 30; trial++) {
            float[] params = gaussian(random, spec.numParams(), 1.0);
            float[] x = gaussian(random, 3, 1.0);
            double predicted = model.predict(params, null, x);

            model.lossAndGradient(params, null, x, trial % 4, gradient);
            assertThat(model.lastPrediction()).isEqualTo(predicted);
            model.lossAndSgdStep(params, null, x, trial % 4, 10.0); // a big step: the class may change
            assertThat(model.lastPrediction()).as("trial %d", trial).isEqualTo(predicted);
        }
    }

    @Test
    void initialParams_sameSeed_identicalAndDifferentSeed_different() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 10, 3, 0.0, List.of(8, 4));
        MultilayerPerceptron a = new MultilayerPerceptron(spec);
        MultilayerPerceptron b = new MultilayerPerceptron(spec);

        assertThat(a.initialParams(17L)).containsExactly(b.initialParams(17L));
        assertThat(a.initialParams(17L)).isNotEqualTo(a.initialParams(18L));
        assertThat(new OnlineLearner(a, LocalOptimizers.sgd(LearningRate.constant(0.1))).initialParams())
                .containsExactly(b.initialParams(0L));
    }

    @Test
    void initialParams_layers_heScaleForHiddenGlorotForOutputAndZeroBiases() {
        int features = 100;
        ModelSpec spec = new ModelSpec(ModelType.MLP, features, 10, 0.0, List.of(64, 32));
        float[] params = new MultilayerPerceptron(spec).initialParams(3L);
        // layer -> (in, out, limit)
        double[][] layers = {
            {features, 64, Math.sqrt(6.0 / features)},
            {64, 32, Math.sqrt(6.0 / 64)},
            {32, 10, Math.sqrt(6.0 / (32 + 10))}
        };
        for (int l = 0; l < 3; l++) {
            int in = (int) layers[l][0];
            int out = (int) layers[l][1];
            double limit = layers[l][2];
            int offset = spec.layerOffset(l);
            double sumSquares = 0;
            int zeros = 0;
            for (int k = 0; k < out; k++) {
                int row = offset + k * (in + 1);
                for (int j = 0; j < in; j++) {
                    float w = params[row + j];
                    assertThat(Math.abs(w)).as("layer %d weight", l).isLessThanOrEqualTo((float) limit);
                    sumSquares += (double) w * w;
                    zeros += w == 0 ? 1 : 0;
                }
                assertThat(params[row + in]).as("layer %d bias %d", l, k).isEqualTo(0f);
            }
            // uniform on [-limit, limit] has variance limit^2 / 3 (2/in for He, 2/(in+out) for Glorot)
            double variance = sumSquares / (in * out);
            assertThat(variance)
                    .as("layer %d variance", l)
                    .isCloseTo(limit * limit / 3, within(0.1 * limit * limit / 3));
            assertThat(zeros).as("layer %d zero weights", l).isZero();
        }
        assertThat(spec.layerOffset(3)).isEqualTo(params.length);
    }

    @Test
    void lossAndGradient_alternatingExamples_noStateLeaksBetweenCalls() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 3, 3, 0.0, List.of(4, 4));
        MultilayerPerceptron shared = new MultilayerPerceptron(spec);
        float[] params = shared.initialParams(9L);
        float[] a = {1, -1, 0.5f};
        float[] b = {-2, 0.25f, 3};
        float[] first = new float[spec.numParams()];
        float[] again = new float[spec.numParams()];

        double lossA = shared.lossAndGradient(params, null, a, 0, first);
        shared.lossAndGradient(params, null, b, 2, again);
        shared.predict(params, null, b);
        double lossAAgain = shared.lossAndGradient(params, null, a, 0, again);

        assertThat(lossAAgain).isEqualTo(lossA);
        assertThat(again).containsExactly(first);
    }

    @Test
    void label_notAClassIndex_throwsNamingTheLabel() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 2, 3, 0.0, List.of(2));
        MultilayerPerceptron model = new MultilayerPerceptron(spec);
        float[] params = new float[spec.numParams()];

        assertThatThrownBy(() -> model.loss(params, null, new float[2], 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp label must be a class index in [0, 3), got 3.0");
        assertThatThrownBy(() -> model.lossAndGradient(params, null, new float[2], 1.5, new float[params.length]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlp label must be a class index in [0, 3), got 1.5");
    }

    @Test
    void shapes_wrongLengths_throwNamingBothLengths() {
        ModelSpec spec = new ModelSpec(ModelType.MLP, 2, 3, 0.0, List.of(2));
        MultilayerPerceptron model = new MultilayerPerceptron(spec); // 2*3 + 3*3 = 15 parameters

        assertThatThrownBy(() -> model.lossAndGradient(new float[15], null, new float[2], 0, new float[14]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gradient has length 14 but the model has 15 parameters");
        assertThatThrownBy(() -> model.predict(new float[9], null, new float[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("params has length 9 but the model has 15 parameters");
        assertThatThrownBy(() -> model.predict(new float[15], null, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dense values have length 3 but the model has 2 features");
        assertThatThrownBy(() -> model.probabilities(new float[15], null, new float[2], new double[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("out has length 2 but the model has 3 outputs");
    }

    @Test
    void construction_specOfAnotherType_throwsAndModelOfBuildsAnMlp() {
        assertThatThrownBy(() -> new MultilayerPerceptron(new ModelSpec(ModelType.SOFTMAX, 2, 3, 0.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec type must be MLP, got SOFTMAX");
        ModelSpec mlp = new ModelSpec(ModelType.MLP, 2, 3, 0.0, List.of(4));
        assertThat(Model.of(mlp)).isInstanceOf(MultilayerPerceptron.class).isNotSameAs(Model.of(mlp));
        assertThatThrownBy(() -> LinearModel.of(mlp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec type MLP is not a linear model");
    }

    /**
     * Central differences of {@code loss + (l2 / 2) * sum of squared weights}, with the step
     * measured between the float values actually evaluated (see
     * {@link ModelGradientTest#finiteDifferences}).
     */
    private static double[] finiteDifferences(
            ModelSpec spec, Model model, float[] params, int[] indices, float[] values, double label) {
        double[] numeric = new double[params.length];
        for (int p = 0; p < params.length; p++) {
            float original = params[p];
            double h = Math.max(1e-4, 16 * Math.ulp(original));
            float plus = (float) (original + h);
            float minus = (float) (original - h);
            params[p] = plus;
            double lossPlus = model.loss(params, indices, values, label) + Reference.penalty(spec, params);
            params[p] = minus;
            double lossMinus = model.loss(params, indices, values, label) + Reference.penalty(spec, params);
            params[p] = original;
            numeric[p] = (lossPlus - lossMinus) / ((double) plus - (double) minus);
        }
        return numeric;
    }

    static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    /** The MLP written the obvious way from the documented layout, in double, for comparison. */
    static final class Reference {
        private Reference() {}

        /** Pre-activations of every layer; the last are the logits. */
        static double[][] preActivations(ModelSpec spec, float[] params, int[] indices, float[] values) {
            List<Integer> sizes = spec.layerSizes();
            double[] input = new double[spec.features()];
            for (int i = 0; i < values.length; i++) {
                input[indices == null ? i : indices[i]] = values[i];
            }
            double[][] z = new double[spec.layers()][];
            double[] a = input;
            for (int l = 0; l < spec.layers(); l++) {
                int in = sizes.get(l);
                int out = sizes.get(l + 1);
                z[l] = new double[out];
                double[] next = new double[out];
                for (int k = 0; k < out; k++) {
                    int row = spec.layerOffset(l) + k * (in + 1);
                    double s = params[row + in];
                    for (int j = 0; j < in; j++) {
                        s += params[row + j] * a[j];
                    }
                    z[l][k] = s;
                    next[k] = Math.max(0, s);
                }
                a = next;
            }
            return z;
        }

        static double[] logits(ModelSpec spec, float[] params, int[] indices, float[] values) {
            double[][] z = preActivations(spec, params, indices, values);
            return z[z.length - 1];
        }

        /** Smallest |pre-activation| over the hidden units. */
        static double closestKink(ModelSpec spec, float[] params, int[] indices, float[] values) {
            double[][] z = preActivations(spec, params, indices, values);
            double closest = Double.POSITIVE_INFINITY;
            for (int l = 0; l < z.length - 1; l++) {
                for (double v : z[l]) {
                    closest = Math.min(closest, Math.abs(v));
                }
            }
            return closest;
        }

        static double logSumExp(double[] z) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            return max + Math.log(sum);
        }

        /** {@code (l2 / 2) * sum of squared weights}, biases excluded. */
        static double penalty(ModelSpec spec, float[] params) {
            List<Integer> sizes = spec.layerSizes();
            double sum = 0;
            for (int l = 0; l < spec.layers(); l++) {
                int in = sizes.get(l);
                for (int k = 0; k < sizes.get(l + 1); k++) {
                    int row = spec.layerOffset(l) + k * (in + 1);
                    for (int j = 0; j < in; j++) {
                        sum += (double) params[row + j] * params[row + j];
                    }
                }
            }
            return 0.5 * spec.l2() * sum;
        }
    }
}
