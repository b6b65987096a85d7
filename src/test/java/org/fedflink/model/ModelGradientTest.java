package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks every model's analytic gradient against central finite differences of its own loss, and
 * the numerical stability of the log-losses at extreme scores.
 */
class ModelGradientTest {

    private static final int FEATURES = 7;

    static Stream<Arguments> modelsAndLayouts() {
        return Stream.of(
                Arguments.of(new ModelSpec(ModelType.LINEAR, FEATURES, 0, 0.0), false),
                Arguments.of(new ModelSpec(ModelType.LINEAR, FEATURES, 0, 0.0), true),
                Arguments.of(new ModelSpec(ModelType.LOGISTIC, FEATURES, 2, 0.0), false),
                Arguments.of(new ModelSpec(ModelType.LOGISTIC, FEATURES, 2, 0.0), true),
                Arguments.of(new ModelSpec(ModelType.SOFTMAX, FEATURES, 4, 0.0), false),
                Arguments.of(new ModelSpec(ModelType.SOFTMAX, FEATURES, 4, 0.0), true));
    }

    @ParameterizedTest(name = "{0} sparse={1}")
    @MethodSource("modelsAndLayouts")
    void lossAndOutputGradient_randomParameters_matchesCentralFiniteDifferences(ModelSpec spec, boolean sparse) {
        Random random = new Random(20240611L + spec.type().ordinal() * 31L + (sparse ? 1 : 0));
        LinearModel model = LinearModel.of(spec);
        for (int trial = 0; trial < 20; trial++) {
            float[] params = new float[spec.numParams()];
            for (int i = 0; i < params.length; i++) {
                params[i] = (float) random.nextGaussian();
            }
            int[] indices = sparse ? new int[] {0, 2, 3, 6} : null;
            float[] values = new float[sparse ? indices.length : FEATURES];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            double label = switch (spec.type()) {
                case LINEAR -> random.nextGaussian() * 3;
                case LOGISTIC -> random.nextInt(2);
                case SOFTMAX, MLP -> random.nextInt(spec.classes());
            };

            double[] analytic = parameterGradient(model, params, indices, values, label);
            double[] numeric = finiteDifferences(model, params, indices, values, label);

            for (int p = 0; p < params.length; p++) {
                assertThat(analytic[p])
                        .as("d loss / d param %d (trial %d)", p, trial)
                        .isCloseTo(numeric[p], within(1e-6 * Math.max(1.0, Math.abs(numeric[p]))));
            }
        }
    }

    @ParameterizedTest(name = "{0} sparse={1}")
    @MethodSource("modelsAndLayouts")
    void loss_anyExample_equalsLossReturnedWithGradient(ModelSpec spec, boolean sparse) {
        Random random = new Random(7L);
        LinearModel model = LinearModel.of(spec);
        float[] params = new float[spec.numParams()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (3 * random.nextGaussian());
        }
        int[] indices = sparse ? new int[] {1, 4} : null;
        float[] values = new float[sparse ? 2 : FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        double label = spec.type() == ModelType.LINEAR ? 0.5 : 1;

        double withGradient =
                model.lossAndOutputGradient(params, indices, values, label, new double[spec.outputs()]);

        assertThat(model.loss(params, indices, values, label)).isCloseTo(withGradient, within(1e-12));
    }

    @Test
    void softmax_logitsAroundOneThousand_lossFiniteAndGradientSumsToZero() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 2, 3, 0.0);
        LinearModel model = LinearModel.of(spec);
        // zero weights, biases 1000, 1001, 1002: the logits are exactly the biases
        float[] params = {0, 0, 1000, 0, 0, 1001, 0, 0, 1002};
        float[] x = {0.5f, -0.25f};
        double[] gradient = new double[3];

        double loss = model.lossAndOutputGradient(params, null, x, 0, gradient);

        // -log p_0 = logsumexp(1000, 1001, 1002) - 1000 = 2 + log(1 + e^-1 + e^-2)
        double expected = 2 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
        assertThat(loss).isFinite().isCloseTo(expected, within(1e-12));
        assertThat(model.loss(params, null, x, 0)).isCloseTo(expected, within(1e-12));
        // p = softmax(0, 1, 2) = (1, e, e^2) / (1 + e + e^2); g = p - onehot(0)
        double norm = 1 + Math.E + Math.E * Math.E;
        assertThat(gradient[0]).isCloseTo(1 / norm - 1, within(1e-12));
        assertThat(gradient[1]).isCloseTo(Math.E / norm, within(1e-12));
        assertThat(gradient[2]).isCloseTo(Math.E * Math.E / norm, within(1e-12));
        assertThat(gradient[0] + gradient[1] + gradient[2]).isCloseTo(0.0, within(1e-12));
        assertThat(model.predict(params, null, x)).isEqualTo(2.0);
    }

    @Test
    void softmax_labelScoreTrailingByTwoThousand_lossIsTheGapNotInfinity() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 1, 3, 0.0);
        LinearModel model = LinearModel.of(spec);
        float[] params = {0, 1000, 0, 0, 0, -1000};
        double[] gradient = new double[3];

        double loss = model.lossAndOutputGradient(params, null, new float[] {1}, 2, gradient);

        // p_2 = e^-2000 / (1 + e^-1000 + e^-2000) underflows, but -log p_2 = 2000 + log(1 + ...) = 2000
        assertThat(loss).isCloseTo(2000.0, within(1e-9));
        assertThat(model.loss(params, null, new float[] {1}, 2)).isCloseTo(2000.0, within(1e-9));
        assertThat(gradient).containsExactly(1.0, 0.0, -1.0);
    }

    @Test
    void softmax_largeLogits_matchesFiniteDifferences() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 3, 3, 0.0);
        LinearModel model = LinearModel.of(spec);
        Random random = new Random(99L);
        float[] params = new float[spec.numParams()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (1000 + random.nextGaussian());
        }
        float[] x = {0.3f, -0.2f, 0.1f};

        double[] analytic = parameterGradient(model, params, null, x, 1);
        double[] numeric = finiteDifferences(model, params, null, x, 1);

        for (int p = 0; p < params.length; p++) {
            assertThat(analytic[p]).as("param %d", p).isCloseTo(numeric[p], within(1e-6));
        }
    }

    @Test
    void logistic_extremeScores_lossFiniteAndExact() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 1, 2, 0.0);
        LinearModel model = LinearModel.of(spec);
        float[] params = {0, 1000};
        float[] x = {1};
        double[] gradient = new double[1];

        // z = 1000, y = 0: -log(1 - sigmoid(1000)) = softplus(1000) = 1000 + log1p(e^-1000) = 1000
        assertThat(model.lossAndOutputGradient(params, null, x, 0, gradient)).isEqualTo(1000.0);
        assertThat(gradient[0]).isEqualTo(1.0);
        // z = 1000, y = 1: -log sigmoid(1000) = log1p(e^-1000) = 0 in double
        assertThat(model.loss(params, null, x, 1)).isEqualTo(0.0);

        params[1] = -1000;
        // z = -1000, y = 1: -log sigmoid(-1000) = 1000; dLoss/dz = sigmoid(-1000) - 1 = -1
        assertThat(model.lossAndOutputGradient(params, null, x, 1, gradient)).isEqualTo(1000.0);
        assertThat(gradient[0]).isEqualTo(-1.0);
        assertThat(model.predict(params, null, x)).isEqualTo(0.0);
    }

    @Test
    void logistic_zeroScore_lossIsLogTwoAndPredictsOne() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0));
        double[] gradient = new double[1];

        double loss = model.lossAndOutputGradient(new float[3], null, new float[] {1, 2}, 1, gradient);

        // p = sigmoid(0) = 1/2: loss = log 2, g = 1/2 - 1
        assertThat(loss).isCloseTo(Math.log(2), within(1e-15));
        assertThat(gradient[0]).isEqualTo(-0.5);
        // ties (z == 0) go to class 1, as documented
        assertThat(model.predict(new float[3], null, new float[] {1, 2})).isEqualTo(1.0);
    }

    @Test
    void linear_handComputedExample_lossGradientAndPrediction() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.LINEAR, 2, 0, 0.0));
        float[] params = {0.5f, -1f, 0.25f};
        float[] x = {2, 3};
        double[] gradient = new double[1];

        double loss = model.lossAndOutputGradient(params, null, x, 1, gradient);

        // z = 0.5*2 - 1*3 + 0.25 = -1.75; g = z - y = -2.75; loss = 2.75^2 / 2 = 3.78125
        assertThat(model.predict(params, null, x)).isEqualTo(-1.75);
        assertThat(gradient[0]).isEqualTo(-2.75);
        assertThat(loss).isEqualTo(3.78125);
    }

    @Test
    void softmax_tiedScores_predictsLowestIndex() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.SOFTMAX, 1, 3, 0.0));
        float[] params = {0, 1, 0, 2, 0, 2};

        assertThat(model.predict(params, null, new float[] {5})).isEqualTo(1.0);
    }

    @Test
    void sparse_featuresGiven_onlyListedWeightsEnterTheScore() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.LINEAR, 5, 0, 0.0));
        float[] params = {1, 2, 3, 4, 5, 0.5f};

        // x_1 = 2, x_3 = -1: z = 2*2 + 4*(-1) + 0.5 = 0.5
        assertThat(model.predict(params, new int[] {1, 3}, new float[] {2, -1})).isEqualTo(0.5);
    }

    @Test
    void softmax_labelNotAClassIndex_throwsNamingTheLabel() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.SOFTMAX, 1, 3, 0.0));

        assertThatThrownBy(() -> model.loss(new float[6], null, new float[] {1}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softmax label must be a class index in [0, 3), got 3.0");
        assertThatThrownBy(() -> model.loss(new float[6], null, new float[] {1}, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0.5");
    }

    @Test
    void logistic_labelNotZeroOrOne_throws() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.LOGISTIC, 1, 2, 0.0));

        assertThatThrownBy(() -> model.loss(new float[2], null, new float[] {1}, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logistic label must be 0 or 1, got -1.0");
    }

    @Test
    void denseValues_wrongLength_throwsNamingBothLengths() {
        LinearModel model = LinearModel.of(new ModelSpec(ModelType.LINEAR, 3, 0, 0.0));

        assertThatThrownBy(() -> model.predict(new float[4], null, new float[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dense values have length 2 but the model has 3 features");
    }

    @Test
    void constructor_specOfAnotherType_throws() {
        ModelSpec softmax = new ModelSpec(ModelType.SOFTMAX, 1, 3, 0.0);

        assertThatThrownBy(() -> new LogisticRegression(softmax))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec type must be LOGISTIC, got SOFTMAX");
    }

    /**
     * The full parameter gradient assembled from the output gradient as {@link LocalOptimizer}
     * defines it (without L2): {@code g_k * x_j} for weights and {@code g_k} for biases.
     */
    static double[] parameterGradient(LinearModel model, float[] params, int[] indices, float[] values, double label) {
        ModelSpec spec = model.spec();
        double[] g = new double[spec.outputs()];
        model.lossAndOutputGradient(params, indices, values, label, g);
        double[] gradient = new double[spec.numParams()];
        for (int k = 0; k < spec.outputs(); k++) {
            int offset = k * spec.rowLength();
            if (indices == null) {
                for (int j = 0; j < spec.features(); j++) {
                    gradient[offset + j] = g[k] * values[j];
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    gradient[offset + indices[i]] = g[k] * values[i];
                }
            }
            gradient[offset + spec.features()] = g[k];
        }
        return gradient;
    }

    /**
     * Central differences of {@link Model#loss}. Parameters are floats, so the step is measured
     * between the float values actually evaluated rather than assumed to be exactly 2h; that keeps
     * the quotient accurate to ~1e-9 instead of the ~1e-3 that float rounding of w +- h would cost.
     * The step is absolute (not relative to w) because the truncation error grows with h^2.
     */
    static double[] finiteDifferences(LinearModel model, float[] params, int[] indices, float[] values, double label) {
        double[] numeric = new double[params.length];
        for (int p = 0; p < params.length; p++) {
            float original = params[p];
            // 16 ulps at least, so that w +- h are distinct floats even for w around 1000
            double h = Math.max(1e-4, 16 * Math.ulp(original));
            float plus = (float) (original + h);
            float minus = (float) (original - h);
            params[p] = plus;
            double lossPlus = model.loss(params, indices, values, label);
            params[p] = minus;
            double lossMinus = model.loss(params, indices, values, label);
            params[p] = original;
            numeric[p] = (lossPlus - lossMinus) / ((double) plus - (double) minus);
        }
        return numeric;
    }
}
