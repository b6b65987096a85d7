package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

class EvaluatorAccumulatorTest {

    /** Softmax over 2 features whose class is the larger feature: rows [1, 0, 0] and [0, 1, 0]. */
    private static final ModelSpec ARGMAX = new ModelSpec(ModelType.SOFTMAX, 2, 2, 0.0);
    private static final float[] ARGMAX_PARAMS = {1, 0, 0, 0, 1, 0};

    private static Example dense(double label, float... values) {
        return new Example("s", 0, label, null, values);
    }

    @Test
    void accumulator_classifier_countsRightPredictions_exampleByExample() {
        Evaluator.Accumulator accumulator = new Evaluator.Accumulator(Model.of(ARGMAX), ARGMAX_PARAMS);
        assertThat(accumulator.score()).isEqualTo(Evaluator.Score.NONE);

        accumulator.add(dense(0, 1, 0));
        accumulator.add(dense(1, 0, 1));
        accumulator.add(dense(1, 1, 0)); // predicted 0
        accumulator.add(dense(0, 2, 1));

        Evaluator.Score score = accumulator.score();
        assertThat(accumulator.examples()).isEqualTo(4);
        assertThat(score.examples()).isEqualTo(4);
        assertThat(score.accuracy()).isEqualTo(0.75);
        assertThat(score.rmse()).isNaN();
    }

    @Test
    void accumulator_givesTheScoreOfTheWholeList() {
        List<Example> examples = List.of(dense(0, 1, 0), dense(1, 0, 1), dense(1, 1, 0), dense(0, 2, 1));
        Evaluator.Accumulator accumulator = new Evaluator.Accumulator(Model.of(ARGMAX), ARGMAX_PARAMS);
        examples.forEach(accumulator::add);

        assertThat(accumulator.score()).isEqualTo(Evaluator.score(Model.of(ARGMAX), ARGMAX_PARAMS, examples));
    }

    /** The single forward pass gives the figures of the model's own predict and loss. */
    @Test
    void accumulator_multiclass_matchesPredictAndLossOfTheModel() {
        ModelSpec mlp = new ModelSpec(ModelType.MLP, 6, 4, 0.0, List.of(5));
        Model model = Model.of(mlp);
        float[] params = model.initialParams(7);
        java.util.Random random = new java.util.Random(3);
        Evaluator.Accumulator accumulator = new Evaluator.Accumulator(model, params);
        long right = 0;
        double lossSum = 0;
        int n = 500;
        for (int i = 0; i < n; i++) {
            float[] x = new float[6];
            for (int j = 0; j < 6; j++) {
                x[j] = (float) (3 * random.nextGaussian());
            }
            int y = random.nextInt(4);
            accumulator.add(dense(y, x));
            right += model.predict(params, null, x) == y ? 1 : 0;
            lossSum += model.loss(params, null, x, y);
        }
        assertThat(accumulator.score().accuracy()).isEqualTo((double) right / n);
        assertThat(accumulator.score().loss()).isCloseTo(lossSum / n, within(1e-9));
    }

    @Test
    void accumulator_regression_rmse() {
        ModelSpec linear = new ModelSpec(ModelType.LINEAR, 1, 2, 0.0);
        Evaluator.Accumulator accumulator = new Evaluator.Accumulator(Model.of(linear), new float[] {2, 1});

        accumulator.add(dense(4, 1)); // predicts 3
        accumulator.add(dense(1, 0)); // predicts 1

        assertThat(accumulator.score().rmse()).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(accumulator.score().mae()).isCloseTo(0.5, within(1e-12));
        assertThat(accumulator.score().accuracy()).isNaN();
    }
}
