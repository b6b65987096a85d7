package org.fedflink.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.FedAvg;
import org.fedflink.federation.RoundAccumulator;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One FedAvg round of a 2^20-parameter shard (hashed text) whose updates are sparse, as the
 * aggregator closes it for the bench's sparse case: {@code newRound}, {@code addSparse} for each
 * of 10 updates holding what a source's 200 examples touched ({@link #entries} coordinates), then
 * {@code apply} with the per-coordinate mean (the job's default).
 *
 * <pre>
 * mvn -B -Pjmh -DskipTests package
 * java -jar target/jmh/benchmarks.jar SparseRoundBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SparseRoundBenchmark {

    private static final int LENGTH = 1 << 20;
    private static final int UPDATES = 10;

    /** Coordinates each update moved. */
    @Param({"2000"})
    public int entries;

    private final AggregationStrategy fedAvg = new FedAvg(1.0, true);
    private int[][] indices;
    private float[][] values;
    private float[] global;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        indices = new int[UPDATES][];
        values = new float[UPDATES][];
        for (int u = 0; u < UPDATES; u++) {
            indices[u] = random.ints(entries, 0, LENGTH).distinct().sorted().toArray();
            values[u] = new float[indices[u].length];
            for (int i = 0; i < values[u].length; i++) {
                values[u][i] = (float) (0.01 * random.nextGaussian());
            }
        }
        global = new float[LENGTH];
    }

    @Benchmark
    public float[] round() {
        RoundAccumulator round = fedAvg.newRound(LENGTH);
        for (int u = 0; u < UPDATES; u++) {
            round.addSparse(LENGTH, indices[u], values[u], 200, 0);
        }
        fedAvg.apply(global, new float[0], round);
        return global;
    }
}
