package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one-pass loss, gradient and prediction agree exactly with the separate calls. */
class LinearModelOnePassTest {

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = {"LINEAR", "LOGISTIC", "SOFTMAX"})
    void lossGradientAndPrediction_equalsPredictThenLossAndOutputGradient(ModelType type) {
        int features = 37; // not a multiple of 4: the dense dot product's tail is exercised
        ModelSpec spec = new ModelSpec(type, features, type == ModelType.SOFTMAX ? 5 : type == ModelType.LOGISTIC ? 2 : 0,
                0.0);
        LinearModel model = LinearModel.of(spec);
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            float[] params = new float[spec.numParams()];
            // some trials with all-zero parameters: every score ties
            if (trial % 5 != 0) {
                for (int p = 0; p < params.length; p++) {
                    params[p] = (float) random.nextGaussian();
                }
            }
            boolean sparse = trial % 2 == 0;
            int[] indices = sparse ? new int[] {0, 5, 17, 36} : null;
            float[] values = new float[sparse ? 4 : features];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            double label = switch (type) {
                case SOFTMAX -> random.nextInt(5);
                case LOGISTIC -> random.nextInt(2);
                default -> random.nextGaussian();
            };
            double[] expectedGradient = new double[spec.outputs()];
            double expectedLoss = model.lossAndOutputGradient(params, indices, values, label, expectedGradient);
            double expectedPrediction = model.predict(params, indices, values);

            double[] gradient = new double[spec.outputs()];
            double[] prediction = new double[1];
            double loss = model.lossGradientAndPrediction(params, indices, values, label, gradient, prediction);
            assertThat(loss).isEqualTo(expectedLoss);
            assertThat(gradient).containsExactly(expectedGradient);
            assertThat(prediction[0]).isEqualTo(expectedPrediction);
        }
    }
}
