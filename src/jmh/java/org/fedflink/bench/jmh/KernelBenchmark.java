package org.fedflink.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LinearRegression;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
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
 * The two loops every linear model runs once per output row and example, dense (784 features) and
 * sparse (40 non-zeros in 2^20 dimensions), through the public entry points that call them:
 *
 * <ul>
 *   <li>{@link #dot}: the score {@code w . x + b} ({@code Rows.score}, accumulated in double), as
 *       {@link LinearRegression#predict} computes it: the loop plus O(1) shape checks;
 *   <li>{@link #axpy}: one SGD row update {@code w -= lr * (g * x + l2 * w); b -= lr * g}, as
 *       {@code Sgd.step} applies it for a one-output model (the row-wise step of the linear models).
 * </ul>
 * A softmax over 10 classes runs each 10 times per example; the sparse rows touch 40 scattered
 * weights of a 4 MB parameter array. Successive calls cycle through {@link Synthetic#POOL} examples.
 *
 * <pre>
 * mvn -B -Pjmh -DskipTests package
 * java -jar target/jmh/benchmarks.jar KernelBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class KernelBenchmark {

    private static final float[] NO_STATE = new float[0];

    /** {@code dense}: 784 features; {@code sparse}: 40 non-zeros in 2^20 dimensions. */
    @Param({"dense", "sparse"})
    public String layout;

    private ModelSpec spec;
    private LinearRegression model;
    private LocalOptimizer sgd;
    private float[] params;
    private int[][] indices;
    private float[][] values;
    private final double[] outputGradient = new double[1];
    private int next;
    private double sign = 1;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        boolean dense = switch (layout) {
            case "dense" -> true;
            case "sparse" -> false;
            default -> throw new IllegalArgumentException("layout must be dense or sparse, got " + layout);
        };
        spec = new ModelSpec(ModelType.LINEAR, dense ? Synthetic.PIXELS : Synthetic.SPARSE_DIMENSION, 0, 0.0);
        model = new LinearRegression(spec);
        sgd = LocalOptimizers.sgd(LearningRate.constant(1e-3));
        params = Synthetic.gaussian(random, spec.numParams(), 0.01);
        indices = new int[Synthetic.POOL][];
        values = new float[Synthetic.POOL][];
        for (int i = 0; i < Synthetic.POOL; i++) {
            if (dense) {
                values[i] = Synthetic.pixels(random, Synthetic.PIXELS);
            } else {
                indices[i] = Synthetic.sparseIndices(random, Synthetic.SPARSE_DIMENSION, Synthetic.SPARSE_NON_ZEROS);
                values[i] = Synthetic.ones(Synthetic.SPARSE_NON_ZEROS);
            }
        }
    }

    @TearDown
    public void checkFinite() {
        Synthetic.requireFinite(params, "KernelBenchmark " + layout);
    }

    @Benchmark
    public double dot() {
        int i = advance();
        return model.predict(params, indices[i], values[i]);
    }

    @Benchmark
    public float[] axpy() {
        int i = advance();
        // the sign flips with every pass over the pool, so the parameters oscillate rather than drift
        outputGradient[0] = 0.5 * sign;
        sgd.step(params, NO_STATE, 0, spec, indices[i], values[i], outputGradient);
        return params;
    }

    private int advance() {
        int i = next;
        if (++next == Synthetic.POOL) {
            next = 0;
            sign = -sign;
        }
        return i;
    }
}
