package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link OffsetLearner} takes the dense learner's steps on {@code base + offset}. */
class OffsetLearnerTest {

    private static final int FEATURES = 300;

    private static List<LocalOptimizer> optimizers() {
        return List.of(
                LocalOptimizers.sgd(LearningRate.inverseSqrt(0.3, 0.01)),
                LocalOptimizers.momentum(LearningRate.constant(0.05), 0.9),
                LocalOptimizers.adagrad(LearningRate.constant(0.2), 1e-6),
                LocalOptimizers.ftrl(0.2, 1.0, 0.01, 0.1));
    }

    private static int[] indices(Random random) {
        return random.ints(0, FEATURES).distinct().limit(1 + random.nextInt(12)).sorted().toArray();
    }

    @Test
    void sparseAndDenseExamples_matchTheDenseLearner_acrossBaseChanges() {
        for (ModelSpec spec : List.of(new ModelSpec(ModelType.LOGISTIC, FEATURES, 2, 0.01),
                new ModelSpec(ModelType.SOFTMAX, FEATURES, 4, 0.001), new ModelSpec(ModelType.LINEAR, FEATURES, 0, 0))) {
            for (LocalOptimizer optimizer : optimizers()) {
                Random random = new Random(17);
                OnlineLearner dense = new OnlineLearner(Model.of(spec), optimizer);
                float[] base = new float[spec.numParams()];
                for (int p = 0; p < base.length; p++) {
                    base[p] = (float) random.nextGaussian() * 0.1f;
                }
                OffsetLearner sparse = new OffsetLearner(new OnlineLearner(Model.of(spec), optimizer), base);
                float[] params = base.clone();
                float[] state = dense.initialState();
                IntFloatMap offset = new IntFloatMap();
                IntFloatMap sparseState = new IntFloatMap();
                for (int step = 0; step < 2_000; step++) {
                    if (step % 500 == 499) {
                        // a new base: the offset is kept, so the dense learner's model moves with the base
                        float[] values = new float[50];
                        for (int i = 0; i < values.length; i++) {
                            int p = 100 + i;
                            values[i] = base[p] + (float) random.nextGaussian() * 0.05f;
                            params[p] = values[i] + (params[p] - base[p]);
                            base[p] = values[i];
                        }
                        sparse.setBase(100, values);
                    }
                    boolean denseExample = step % 97 == 0;
                    int[] indices = denseExample ? null : indices(random);
                    float[] values = new float[denseExample ? FEATURES : indices.length];
                    for (int i = 0; i < values.length; i++) {
                        // a dense example is scaled down so that linear regression's steps stay stable
                        values[i] = random.nextFloat() * (denseExample ? 0.1f : 1f);
                    }
                    double label = spec.type() == ModelType.LINEAR ? random.nextGaussian()
                            : random.nextInt(spec.outputs() == 1 ? 2 : spec.outputs());

                    OnlineLearner.Outcome expected = dense.learn(params, state, step, indices, values, label);
                    OnlineLearner.Outcome actual = sparse.learn(offset, sparseState, step, indices, values, label);

                    assertThat(actual.loss()).as("%s %s step %d", spec.type(), optimizer, step)
                            .isCloseTo(expected.loss(), within(1e-4 * (1 + Math.abs(expected.loss()))));
                }
                for (int p = 0; p < params.length; p++) {
                    assertThat(base[p] + offset.get(p)).as("%s %s parameter %d", spec.type(), optimizer, p)
                            .isCloseTo(params[p], within(1e-4f));
                }
                assertThat(sparse.hasState()).isEqualTo(state.length > 0);
                for (int q = 0; q < state.length; q++) {
                    assertThat(sparseState.get(q)).as("%s %s state %d", spec.type(), optimizer, q)
                            .isCloseTo(state[q], within(1e-4f * (1 + Math.abs(state[q]))));
                }
            }
        }
    }

    @Test
    void sparseSteps_touchOnlyTheExampleCoordinatesAndTheBiases() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 1 << 20, 3, 0.0);
        OffsetLearner learner = new OffsetLearner(
                new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.constant(0.5))),
                new float[spec.numParams()]);
        IntFloatMap offset = new IntFloatMap();
        learner.learn(offset, new IntFloatMap(), 0, new int[] {5, 999_999}, new float[] {1, 2}, 1);
        int row = spec.rowLength();
        assertThat(offset.sortedKeys()).containsExactly(
                5, 999_999, 1 << 20, row + 5, row + 999_999, row + (1 << 20), 2 * row + 5, 2 * row + 999_999,
                2 * row + (1 << 20));
        assertThat(offset.get(row + 5)).isPositive();
        assertThat(offset.get(5)).isNegative();
    }

    @Test
    void optimizerStateNotPerCoordinate_isRefused() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 4, 2, 0.0);
        LocalOptimizer odd = new LocalOptimizer() {
            @Override
            public int stateSize(int numParams) {
                return numParams + 1;
            }

            @Override
            public void step(float[] params, float[] state, long step, ModelSpec s, int[] indices, float[] values,
                    double[] outputGradient) {}

            @Override
            public void applyGradient(float[] params, float[] state, long step, float[] gradient) {}

            @Override
            public double learningRate(long step) {
                return 0.1;
            }

            @Override
            public String toString() {
                return "Odd";
            }
        };
        OnlineLearner learner = new OnlineLearner(Model.of(spec), odd);
        assertThatThrownBy(() -> new OffsetLearner(learner, new float[spec.numParams()]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset learning needs optimizer state per coordinate, but Odd keeps 6 floats for 5"
                        + " parameters");
    }

    @Test
    void nonLinearModel_isRefused() {
        ModelSpec mlp = new ModelSpec(ModelType.MLP, 4, 3, 0.0, List.of(5));
        OnlineLearner learner = new OnlineLearner(Model.of(mlp), LocalOptimizers.sgd(LearningRate.constant(0.1)));
        assertThatThrownBy(() -> new OffsetLearner(learner, new float[mlp.numParams()]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear model");
    }
}
