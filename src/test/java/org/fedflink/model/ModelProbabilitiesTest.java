package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Model#probabilities} and {@link Model#initialParams} of the linear models. */
class ModelProbabilitiesTest {

    @Test
    void linear_writesThePredictedValue() {
        Model model = Model.of(new ModelSpec(ModelType.LINEAR, 2, 0, 0.0));
        float[] params = {0.5f, -1f, 0.25f};
        double[] out = {7, 7};

        model.probabilities(params, null, new float[] {2, 3}, out);

        // z = 0.5*2 - 1*3 + 0.25 = -1.75; out[1] is beyond the single output
        assertThat(out).containsExactly(-1.75, 7);
    }

    @Test
    void logistic_writesProbabilityOfClassOne() {
        Model model = Model.of(new ModelSpec(ModelType.LOGISTIC, 1, 2, 0.0));
        double[] out = new double[1];

        model.probabilities(new float[] {2, -1}, null, new float[] {1}, out);
        assertThat(out[0]).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-15));

        // z = -1000: P(y = 1) underflows gracefully to 0, z = 1000 gives exactly 1
        model.probabilities(new float[] {0, -1000}, null, new float[] {1}, out);
        assertThat(out[0]).isEqualTo(0.0);
        model.probabilities(new float[] {0, 1000}, new int[] {0}, new float[] {1}, out);
        assertThat(out[0]).isEqualTo(1.0);
    }

    @Test
    void softmax_probabilitiesSumToOneMatchTheLossAndPeakAtThePrediction() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 3, 4, 0.0);
        Model model = Model.of(spec);
        Random random = new Random(5L);
        double[] p = new double[4];
        for (int trial = 0; trial < 20; trial++) {
            float[] params = MultilayerPerceptronTest.gaussian(random, spec.numParams(), 3.0);
            float[] x = MultilayerPerceptronTest.gaussian(random, 3, 1.0);

            model.probabilities(params, null, x, p);

            assertThat(p[0] + p[1] + p[2] + p[3]).isCloseTo(1.0, within(1e-12));
            int argmax = 0;
            for (int k = 0; k < 4; k++) {
                assertThat(model.loss(params, null, x, k)).isCloseTo(-Math.log(p[k]), within(1e-9));
                argmax = p[k] > p[argmax] ? k : argmax;
            }
            assertThat(model.predict(params, null, x)).isEqualTo(argmax);
        }
    }

    @Test
    void softmax_logitsAroundOneThousand_finiteProbabilities() {
        Model model = Model.of(new ModelSpec(ModelType.SOFTMAX, 1, 3, 0.0));
        double[] p = new double[3];

        model.probabilities(new float[] {0, 1000, 0, 1001, 0, 1002}, null, new float[] {1}, p);

        double norm = 1 + Math.E + Math.E * Math.E;
        assertThat(p[0]).isCloseTo(1 / norm, within(1e-12));
        assertThat(p[1]).isCloseTo(Math.E / norm, within(1e-12));
        assertThat(p[2]).isCloseTo(Math.E * Math.E / norm, within(1e-12));
    }

    @Test
    void probabilities_outShorterThanOutputs_throws() {
        Model model = Model.of(new ModelSpec(ModelType.SOFTMAX, 1, 3, 0.0));

        assertThatThrownBy(() -> model.probabilities(new float[6], null, new float[] {1}, new double[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("out has length 2 but the model has 3 outputs");
    }

    @Test
    void initialParams_linearModels_zerosWhateverTheSeed() {
        for (ModelType type : new ModelType[] {ModelType.LINEAR, ModelType.LOGISTIC, ModelType.SOFTMAX}) {
            ModelSpec spec = new ModelSpec(type, 4, 3, 0.0);
            assertThat(Model.of(spec).initialParams(123L)).as("%s", type).containsOnly(0f).hasSize(spec.numParams());
        }
    }
}
