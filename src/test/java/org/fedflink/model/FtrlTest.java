package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link Ftrl} against Algorithm 1 of McMahan et al. (KDD 2013) written out plainly, against
 * numbers worked out by hand, and with weights changed between steps as federation changes them.
 */
class FtrlTest {

    private static final Offset<Float> FLOAT = within(1e-6f);

    /**
     * Algorithm 1 ("Per-Coordinate FTRL-Proximal with L1 and L2 Regularization for Logistic
     * Regression") as the paper prints it, the bias being a feature that is always 1 (the last
     * coordinate). {@code z} and {@code n} are stored as floats, as the optimizer stores them, so
     * that the two agree bit for bit.
     */
    private static final class Algorithm1 {
        final double alpha;
        final double beta;
        final double l1;
        final double l2;
        final float[] z;
        final float[] n;

        Algorithm1(double alpha, double beta, double l1, double l2, int coordinates) {
            this.alpha = alpha;
            this.beta = beta;
            this.l1 = l1;
            this.l2 = l2;
            this.z = new float[coordinates];
            this.n = new float[coordinates];
        }

        float w(int i) {
            if (Math.abs(z[i]) <= l1) {
                return 0f;
            }
            // the paper's -((beta + sqrt(n)) / alpha + l2)^-1 (z - sgn(z) l1), divided rather than
            // multiplied by the inverse, as the optimizer does (the two round differently)
            return (float) (-(z[i] - Math.signum(z[i]) * l1) / ((beta + Math.sqrt(n[i])) / alpha + l2));
        }

        /** {@code p_t - y_t}: the prediction's error, from the weights of the present coordinates. */
        double error(int[] indices, float[] values, double label) {
            double score = w(z.length - 1);
            for (int j = 0; j < indices.length; j++) {
                score += w(indices[j]) * (double) values[j];
            }
            return 1 / (1 + Math.exp(-score)) - label;
        }

        void update(int i, double g) {
            double w = w(i);
            double sigma = (Math.sqrt(n[i] + g * g) - Math.sqrt(n[i])) / alpha;
            z[i] = (float) (z[i] + g - sigma * w);
            n[i] = (float) (n[i] + g * g);
        }

        void learn(int[] indices, float[] values, double label) {
            double error = error(indices, values, label);
            for (int j = 0; j < indices.length; j++) {
                update(indices[j], error * values[j]);
            }
            update(z.length - 1, error);
        }
    }

    /** A fixed sparse stream: 20 of 500 features present, labels from a planted sparse rule with noise. */
    private static final class Stream {
        final Random random = new Random(2013L);
        int[] indices;
        float[] values;
        double label;

        void next() {
            indices = random.ints(0, 500).distinct().limit(20).sorted().toArray();
            values = new float[indices.length];
            double score = 0;
            for (int j = 0; j < indices.length; j++) {
                values[j] = random.nextBoolean() ? 1f : (float) random.nextDouble();
                // the first 50 features vote for class 1, the next 50 against; the rest is noise
                score += indices[j] < 50 ? values[j] : indices[j] < 100 ? -values[j] : 0;
            }
            label = score + 0.3 * random.nextGaussian() > 0 ? 1 : 0;
        }
    }

    private static final ModelSpec SPARSE_LOGISTIC = new ModelSpec(ModelType.LOGISTIC, 500, 2, 0.0);

    @Test
    void step_withoutOutsideChanges_isAlgorithm1BitForBit() {
        Ftrl ftrl = new Ftrl(0.1, 1.0, 0.5, 1.0);
        Algorithm1 reference = new Algorithm1(0.1, 1.0, 0.5, 1.0, SPARSE_LOGISTIC.numParams());
        float[] params = new float[SPARSE_LOGISTIC.numParams()];
        float[] state = new float[ftrl.stateSize(params.length)];
        Stream stream = new Stream();

        for (int t = 0; t < 3_000; t++) {
            stream.next();
            double error = reference.error(stream.indices, stream.values, stream.label);
            reference.learn(stream.indices, stream.values, stream.label);

            ftrl.step(params, state, t, SPARSE_LOGISTIC, stream.indices, stream.values, new double[] {error});

            for (int i = 0; i < params.length; i++) {
                assertThat(params[i]).as("step %d, weight %d", t, i).isEqualTo(reference.w(i));
            }
        }
        float[] z = java.util.Arrays.copyOfRange(state, 0, params.length);
        float[] n = java.util.Arrays.copyOfRange(state, params.length, 2 * params.length);
        assertThat(z).containsExactly(reference.z);
        assertThat(n).containsExactly(reference.n);
    }

    @Test
    void learn_throughTheOnlineLearner_followsAlgorithm1() {
        Ftrl ftrl = new Ftrl(0.2, 0.5, 0.1, 0.0);
        Algorithm1 reference = new Algorithm1(0.2, 0.5, 0.1, 0.0, SPARSE_LOGISTIC.numParams());
        OnlineLearner learner = new OnlineLearner(Model.of(SPARSE_LOGISTIC), ftrl);
        float[] params = learner.initialParams();
        float[] state = learner.initialState();
        Stream stream = new Stream();

        for (int t = 0; t < 2_000; t++) {
            stream.next();
            reference.learn(stream.indices, stream.values, stream.label);
            learner.learn(params, state, t, stream.indices, stream.values, stream.label);
        }
        // the model sums its score in its own order: equal up to rounding, not bit for bit
        for (int i = 0; i < params.length; i++) {
            assertThat(params[i]).as("weight %d", i).isCloseTo(reference.w(i), within(1e-5f));
        }
    }

    @Test
    void step_l1_weightsAreExactlyZeroWhereZIsWithinL1() {
        double l1 = 5.0;
        Ftrl ftrl = new Ftrl(0.1, 1.0, l1, 0.0);
        float[] params = new float[SPARSE_LOGISTIC.numParams()];
        float[] state = new float[ftrl.stateSize(params.length)];
        OnlineLearner learner = new OnlineLearner(Model.of(SPARSE_LOGISTIC), ftrl);
        Stream stream = new Stream();

        for (int t = 0; t < 3_000; t++) {
            stream.next();
            learner.learn(params, state, t, stream.indices, stream.values, stream.label);
        }

        int noiseZeros = 0;
        int plantedNonZero = 0;
        for (int i = 0; i < params.length; i++) {
            float z = state[i];
            assertThat(params[i] == 0f).as("weight %d with z = %s", i, z).isEqualTo(Math.abs(z) <= l1);
            noiseZeros += i >= 100 && i < 500 && params[i] == 0f ? 1 : 0;
            plantedNonZero += i < 100 && params[i] != 0f ? 1 : 0;
        }
        // most of the 400 noise features stay exactly 0 (about 300 with this stream); the 100
        // planted ones do not
        assertThat(noiseZeros).isGreaterThan(250);
        assertThat(plantedNonZero).isGreaterThanOrEqualTo(95);
    }

    @Test
    void step_oneLogisticStep_matchesHandComputation() {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
        float[] x = {1, -2};
        // at w = 0: p = 0.5, y = 1, g = -0.5; per coordinate grad = -0.5 * [1, -2, 1] = [-0.5, 1, -0.5]
        // n = grad^2 = [0.25, 1, 0.25]; sigma = sqrt(n) / alpha (n was 0) = [1, 2, 1] for alpha = 0.5
        // z = grad - sigma * 0 = [-0.5, 1, -0.5]
        Ftrl plain = new Ftrl(0.5, 1.0, 0.0, 0.0);
        float[] params = new float[3];
        float[] state = new float[6];
        plain.step(params, state, 0, spec, null, x, new double[] {-0.5});

        // w = -z / ((1 + sqrt(n)) / 0.5) = [0.5 / 3, -1 / 4, 0.5 / 3]
        assertThat(state).containsExactly(-0.5f, 1f, -0.5f, 0.25f, 1f, 0.25f);
        assertThat(params[0]).isCloseTo(0.5f / 3, FLOAT);
        assertThat(params[1]).isCloseTo(-0.25f, FLOAT);
        assertThat(params[2]).isCloseTo(0.5f / 3, FLOAT);

        // l1 = 0.6: |z| = 0.5 <= 0.6 gives w0 = b = 0; w1 = -(1 - 0.6) / 4 = -0.1
        // l2 = 1 on top: w1 = -(1 - 0.6) / (4 + 1) = -0.08
        Ftrl sparse = new Ftrl(0.5, 1.0, 0.6, 1.0);
        params = new float[3];
        state = new float[6];
        sparse.step(params, state, 0, spec, null, x, new double[] {-0.5});
        assertThat(params[0]).isZero();
        assertThat(params[1]).isCloseTo(-0.08f, FLOAT);
        assertThat(params[2]).isZero();
    }

    @Test
    void step_modelL2_entersTheGradientOfWeightsNotBiases() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 1, 0, 0.5);
        Ftrl ftrl = new Ftrl(1.0, 1.0, 0.0, 0.0);
        // w = 0.8 set from outside, state fresh; z re-derived: d = (1 + 0) / 1 = 1, z = -0.8
        float[] params = {0.8f, 0.4f};
        float[] state = new float[4];

        ftrl.step(params, state, 0, spec, null, new float[] {1}, new double[] {0});

        // weight: grad = 0 * 1 + 0.5 * 0.8 = 0.4; sigma = 0.4; z = -0.8 + 0.4 - 0.4 * 0.8 = -0.72
        //         n = 0.16; w = 0.72 / (1 + 0.4) = 0.514285...
        // bias: grad = 0 (no L2 on biases), so nothing moves: b stays 0.4, its state 0
        assertThat(state[0]).isCloseTo(-0.72f, FLOAT);
        assertThat(state[2]).isCloseTo(0.16f, FLOAT);
        assertThat(params[0]).isCloseTo((float) (0.72 / 1.4), FLOAT);
        assertThat(params[1]).isEqualTo(0.4f);
        assertThat(state[1]).isZero();
        assertThat(state[3]).isZero();
    }

    /**
     * Between steps, a weight is set from outside (a source adopting a newer global model): the
     * next step starts from that weight, where plain FTRL would recompute the weight from its old
     * {@code z} and drop the global model.
     */
    @Test
    void step_afterAWeightIsSetFromOutside_movesFromTheSetWeight() {
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 1, 0, 0.0);
        double alpha = 0.5;
        double beta = 1.0;
        double l1 = 0.2;
        Ftrl ftrl = new Ftrl(alpha, beta, l1, 0.0);
        float[] params = new float[2];
        float[] state = new float[4];
        float[] x = {1};
        for (int t = 0; t < 5; t++) {
            ftrl.step(params, state, t, spec, null, x, new double[] {-1});
        }
        float z = state[0];
        float n = state[2];
        assertThat(params[0]).isPositive().isLessThan(1f);

        params[0] = 3f; // the global model's weight, adopted
        ftrl.step(params, state, 5, spec, null, x, new double[] {0.5});

        // z re-derived from w = 3: d = (beta + sqrt(n)) / alpha, z = -3 d - l1; then the plain step
        double d = (beta + Math.sqrt(n)) / alpha;
        double adoptedZ = -3 * d - l1;
        double sigma = (Math.sqrt(n + 0.25) - Math.sqrt(n)) / alpha;
        double newZ = adoptedZ + 0.5 - sigma * 3;
        double newN = n + 0.25;
        double expected = -(newZ + l1) / ((beta + Math.sqrt(newN)) / alpha);
        assertThat(params[0]).isCloseTo((float) expected, FLOAT);
        assertThat(state[0]).isCloseTo((float) newZ, within(1e-5f));
        assertThat(state[2]).isEqualTo((float) newN);
        // a small step down from 3, not a jump back to the weight the old z gave
        assertThat(params[0]).isLessThan(3f).isGreaterThan(2.5f);
        double plainFtrlZ = z + 0.5 - sigma * 3;
        assertThat(params[0]).isGreaterThan((float) (-(plainFtrlZ - Math.signum(plainFtrlZ) * l1)
                / ((beta + Math.sqrt(newN)) / alpha)) + 2);
    }

    @Test
    void applyGradient_zeroGradient_leavesAnAdoptedWeightUnchanged() {
        Ftrl ftrl = new Ftrl(0.3, 1.0, 0.0, 0.5);
        float[] params = new float[4];
        float[] state = new float[8];
        Random random = new Random(5L);
        for (int t = 0; t < 20; t++) {
            ftrl.applyGradient(params, state, t, MultilayerPerceptronTest.gaussian(random, 4, 1.0));
        }
        float[] adopted = {0.75f, -1.5f, 0f, 1e-3f};
        System.arraycopy(adopted, 0, params, 0, 4);

        ftrl.applyGradient(params, state, 20, new float[4]);

        assertThat(params).containsExactly(adopted);
    }

    @Test
    void applyGradient_zeroWeightSetFromOutside_clampsZIntoTheL1Band() {
        Ftrl ftrl = new Ftrl(0.5, 1.0, 0.25, 0.0);
        float[] params = {0f};
        float[] state = {4f, 1f}; // z = 4, n = 1: a weight of -(4 - 0.25) / ((1 + 1) / 0.5) = -0.9375

        ftrl.applyGradient(params, state, 0, new float[] {0.1f});

        // w = 0 was set: |z| <= l1, so z is clamped to 0.25 before the step;
        // sigma = (sqrt(1.01) - 1) / 0.5; z = 0.25 + 0.1 - sigma * 0 = 0.35; n = 1.01
        // w = -(0.35 - 0.25) / ((1 + sqrt(1.01)) / 0.5) = -0.0249378..., a small step from 0
        assertThat(state[0]).isCloseTo(0.35f, FLOAT);
        assertThat(state[1]).isCloseTo(1.01f, FLOAT);
        assertThat(params[0]).isCloseTo((float) (-0.1 / ((1 + Math.sqrt(1.01)) / 0.5)), FLOAT);
    }

    @Test
    void step_sparseExample_equalsTheDenseExampleWithZerosElsewhere() {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 30, 3, 0.0);
        Ftrl ftrl = new Ftrl(0.1, 1.0, 0.05, 0.1);
        OnlineLearner learner = new OnlineLearner(Model.of(spec), ftrl);
        float[] sparseParams = learner.initialParams();
        float[] sparseState = learner.initialState();
        float[] denseParams = learner.initialParams();
        float[] denseState = learner.initialState();
        Random random = new Random(11L);

        for (int t = 0; t < 500; t++) {
            int[] indices = random.ints(0, 30).distinct().limit(1 + random.nextInt(5)).sorted().toArray();
            float[] values = new float[indices.length];
            float[] dense = new float[30];
            for (int j = 0; j < indices.length; j++) {
                values[j] = (float) random.nextGaussian();
                dense[indices[j]] = values[j];
            }
            int label = random.nextInt(3);

            learner.learn(sparseParams, sparseState, t, indices, values, label);
            learner.learn(denseParams, denseState, t, null, dense, label);

            // a zero feature has a zero gradient: its coordinate does not move, in either form
            assertThat(sparseParams).as("step %d", t).containsExactly(denseParams);
        }
        assertThat(sparseState).containsExactly(denseState);
    }

    @Test
    void stateSize_isTwoFloatsPerParameter_upToTheLargestArray() {
        Ftrl ftrl = new Ftrl(0.1, 1, 0, 0);
        assertThat(ftrl.stateSize(12)).isEqualTo(24);
        assertThat(ftrl.stateSize(Ftrl.MAX_PARAMS)).isEqualTo(Integer.MAX_VALUE - 9);
        assertThatThrownBy(() -> ftrl.stateSize(Ftrl.MAX_PARAMS + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FTRL keeps 2 floats per parameter: 1073741820 parameters need a state longer than a"
                        + " Java array (at most 1073741819 parameters)");
    }

    @Test
    void learningRate_isTheStepOfACoordinateWithUnitSquaredGradients_belowAlpha() {
        // 1 / ((beta + 1) / alpha + l2) = 1 / (3 / 0.5 + 2) = 0.125, whatever the step
        Ftrl ftrl = new Ftrl(0.5, 2.0, 0.1, 2.0);
        assertThat(ftrl.learningRate(0)).isEqualTo(0.125);
        assertThat(ftrl.learningRate(1_000_000)).isEqualTo(0.125);
        assertThat(new Ftrl(0.5, 1e-9, 0, 0).learningRate(0)).isLessThan(0.5);
    }

    @Test
    void step_stateOfWrongLength_throwsNamingBothLengths() {
        Ftrl ftrl = new Ftrl(0.1, 1, 0, 0);
        ModelSpec spec = new ModelSpec(ModelType.LINEAR, 2, 0, 0.0);

        assertThatThrownBy(() -> ftrl.step(new float[3], new float[3], 0, spec, null, new float[2], new double[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer state has length 3 but 6 is required");
        assertThatThrownBy(() -> ftrl.applyGradient(new float[3], new float[3], 0, new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("optimizer state has length 3 but 6 is required");
    }
}
