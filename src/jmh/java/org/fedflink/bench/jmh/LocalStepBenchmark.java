package org.fedflink.bench.jmh;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedflink.model.IntFloatMap;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.model.OffsetLearner;
import org.fedflink.model.OnlineLearner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One local step, predict then train, as {@code LocalTrainer} takes it for every example:
 * {@link OnlineLearner#learn} with plain SGD at a constant rate, on 784 dense image-like features
 * ({@link Dense}: logistic regression, softmax 784x10, linear regression, MLP 784-100-10), and on a
 * sparse example of 40 non-zeros in 2^20 dimensions ({@link Sparse}: logistic regression with plain
 * SGD or with FTRL-Proximal, the FTRL row of the reference table). The time per operation is the
 * time per example; examples/s is its inverse. Each call takes the next of {@link Synthetic#POOL}
 * examples whose labels a model can learn.
 *
 * <pre>
 * mvn -B -Pjmh -DskipTests package
 * java -jar target/jmh/benchmarks.jar LocalStepBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class LocalStepBenchmark {

    private static final int CLASSES = 10;
    private static final int HIDDEN = 100;
    private static final double L2 = 1e-4;
    private static final long SEED = 42;

    /** A learner on dense 784-feature examples. */
    @State(Scope.Thread)
    public static class Dense {
        @Param({"LOGISTIC", "SOFTMAX", "LINEAR", "MLP"})
        public ModelType model;

        OnlineLearner learner;
        float[] params;
        float[] state;
        long step;
        float[][] x;
        double[] y;
        int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(SEED);
            int d = Synthetic.PIXELS;
            ModelSpec spec = switch (model) {
                case LOGISTIC -> new ModelSpec(ModelType.LOGISTIC, d, 2, L2);
                case SOFTMAX -> new ModelSpec(ModelType.SOFTMAX, d, CLASSES, L2);
                case LINEAR -> new ModelSpec(ModelType.LINEAR, d, 0, L2);
                case MLP -> new ModelSpec(ModelType.MLP, d, CLASSES, L2, List.of(HIDDEN));
            };
            // the rates of jobs/fashion-mnist-*.yaml where there is one; linear regression's keeps
            // lr * |x|^2 (about 130 here) well below 2, where squared loss would diverge
            double rate = switch (model) {
                case LOGISTIC -> 0.05;
                case SOFTMAX -> 0.1;
                case LINEAR -> 0.002;
                case MLP -> 0.02;
            };
            learner = new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.constant(rate)));
            params = learner.initialParams(SEED);
            state = learner.initialState();
            // labels from a fixed random linear teacher: argmax of 10 projections, or the sign /
            // value of the first, so that training moves the parameters as on real data
            float[][] teacher = new float[CLASSES][];
            for (int k = 0; k < CLASSES; k++) {
                teacher[k] = Synthetic.gaussian(random, d, 0.1);
            }
            x = new float[Synthetic.POOL][];
            y = new double[Synthetic.POOL];
            for (int i = 0; i < Synthetic.POOL; i++) {
                x[i] = Synthetic.pixels(random, d);
                double[] z = new double[CLASSES];
                int best = 0;
                for (int k = 0; k < CLASSES; k++) {
                    for (int j = 0; j < d; j++) {
                        z[k] += teacher[k][j] * x[i][j];
                    }
                    if (z[k] > z[best]) {
                        best = k;
                    }
                }
                y[i] = switch (model) {
                    case LOGISTIC -> z[0] > 0 ? 1 : 0;
                    case LINEAR -> z[0] + 0.1 * random.nextGaussian();
                    case SOFTMAX, MLP -> best;
                };
            }
        }

        @TearDown
        public void checkFinite() {
            Synthetic.requireFinite(params, "LocalStepBenchmark " + model);
        }
    }

    /** A logistic regression learner on sparse examples (40 non-zeros in 2^20 dimensions). */
    @State(Scope.Thread)
    public static class Sparse {
        /** {@code sgd} at a constant 0.1, or {@code ftrl} with alpha 0.1, beta 1 and a little L1. */
        @Param({"sgd", "ftrl"})
        public String optimizer = "sgd";

        OnlineLearner learner;
        float[] params;
        float[] state;
        long step;
        int[][] indices;
        float[][] values;
        double[] y;
        int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(SEED);
            ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, Synthetic.SPARSE_DIMENSION, 2, L2);
            LocalOptimizer local = switch (optimizer) {
                case "sgd" -> LocalOptimizers.sgd(LearningRate.constant(0.1));
                case "ftrl" -> LocalOptimizers.ftrl(0.1, 1.0, 1e-3, 0.0);
                default -> throw new IllegalArgumentException("optimizer must be sgd or ftrl, got " + optimizer);
            };
            learner = new OnlineLearner(Model.of(spec), local);
            params = learner.initialParams(SEED);
            state = learner.initialState();
            indices = new int[Synthetic.POOL][];
            values = new float[Synthetic.POOL][];
            y = new double[Synthetic.POOL];
            for (int i = 0; i < Synthetic.POOL; i++) {
                indices[i] = Synthetic.sparseIndices(random, Synthetic.SPARSE_DIMENSION, Synthetic.SPARSE_NON_ZEROS);
                values[i] = Synthetic.ones(Synthetic.SPARSE_NON_ZEROS);
                // the label of a teacher that weighs the lower half of the dimensions +1, the upper -1
                int balance = 0;
                for (int index : indices[i]) {
                    balance += index < Synthetic.SPARSE_DIMENSION / 2 ? 1 : -1;
                }
                y[i] = balance > 0 ? 1 : 0;
            }
        }

        @TearDown
        public void checkFinite() {
            Synthetic.requireFinite(params, "LocalStepBenchmark sparse");
        }
    }

    /**
     * Softmax 784x10 steps spread over {@code sources} models, the next one drawn at random each
     * call, as a trainer with that many active sources takes them: what switching models costs
     * the step (each model and its examples leave the caches between its turns).
     */
    @State(Scope.Thread)
    public static class ManySources {
        @Param({"1", "100", "1000"})
        public int sources;

        OnlineLearner learner;
        float[][] params;
        float[] state;
        long step;
        float[][] x;
        double[] y;
        /** Which model each call trains, longer than the example pool so every model takes turns. */
        int[] order = new int[1 << 16];
        int next;
        int turn;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(SEED);
            ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, Synthetic.PIXELS, CLASSES, L2);
            learner = new OnlineLearner(Model.of(spec), LocalOptimizers.sgd(LearningRate.constant(0.1)));
            params = new float[sources][];
            for (int k = 0; k < sources; k++) {
                params[k] = learner.initialParams(SEED);
            }
            state = learner.initialState();
            x = new float[Synthetic.POOL][];
            y = new double[Synthetic.POOL];
            for (int i = 0; i < Synthetic.POOL; i++) {
                x[i] = Synthetic.pixels(random, Synthetic.PIXELS);
                y[i] = random.nextInt(CLASSES);
            }
            for (int t = 0; t < order.length; t++) {
                order[t] = random.nextInt(sources);
            }
        }
    }

    /**
     * The sparse logistic step of {@link Sparse} through the trainer's sparse state layout
     * ({@link OffsetLearner}: a shared base plus a per-source offset map), with the offset
     * cleared every 200 steps as a report and a newer global version would leave it (for FTRL a
     * change of the weights from outside, so its steps after a clear re-derive {@code z}).
     */
    @State(Scope.Thread)
    public static class SparseOffset {
        /** As {@link Sparse#optimizer}. */
        @Param({"sgd", "ftrl"})
        public String optimizer;

        OffsetLearner learner;
        IntFloatMap offset = new IntFloatMap();
        IntFloatMap optimizerState = new IntFloatMap();
        /** The examples (and the base model) of {@link Sparse}. */
        Sparse plain = new Sparse();
        long step;
        int next;

        @Setup
        public void setUp() {
            plain.optimizer = optimizer;
            plain.setUp();
            learner = new OffsetLearner(plain.learner, plain.params);
        }
    }

    @Benchmark
    public OnlineLearner.Outcome softmaxManySources(ManySources s) {
        int i = s.next;
        s.next = i + 1 == Synthetic.POOL ? 0 : i + 1;
        int source = s.order[s.turn];
        s.turn = (s.turn + 1) & (s.order.length - 1);
        return s.learner.learn(s.params[source], s.state, s.step++, null, s.x[i], s.y[i]);
    }

    @Benchmark
    public OnlineLearner.Outcome sparseLogisticOffset(SparseOffset s) {
        int i = s.next;
        s.next = i + 1 == Synthetic.POOL ? 0 : i + 1;
        if (s.step % 200 == 199) {
            s.offset.clear();
        }
        return s.learner.learn(s.offset, s.optimizerState, s.step++, s.plain.indices[i], s.plain.values[i], s.plain.y[i]);
    }

    @Benchmark
    public OnlineLearner.Outcome dense(Dense s) {
        int i = s.next;
        s.next = i + 1 == Synthetic.POOL ? 0 : i + 1;
        return s.learner.learn(s.params, s.state, s.step++, null, s.x[i], s.y[i]);
    }

    @Benchmark
    public OnlineLearner.Outcome sparseLogistic(Sparse s) {
        int i = s.next;
        s.next = i + 1 == Synthetic.POOL ? 0 : i + 1;
        return s.learner.learn(s.params, s.state, s.step++, s.indices[i], s.values[i], s.y[i]);
    }
}
