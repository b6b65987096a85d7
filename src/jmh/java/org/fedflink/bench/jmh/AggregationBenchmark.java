package org.fedflink.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.RoundAccumulator;
import org.fedflink.federation.Strategies;
import org.fedflink.federation.TrimmedMean;
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
 * One aggregation round of one shard, as {@code GlobalAggregator} closes it, through the
 * {@link AggregationStrategy} interface: {@code newRound}, {@code add} for each of {@link #updates}
 * deltas of {@link #length} parameters (7,850 = softmax 784x10), then {@code apply} to the global
 * parameters. The robust rules' rounds copy every delta on {@code add} (they sort or clip in
 * place), FedAvg's keep a running weighted sum; both costs are part of the round and measured.
 *
 * <p>Krum tolerates {@code f = updates / 5} Byzantine updates (20 %, as the trimmed mean's default
 * {@code beta = 0.2} trims 20 % at each end). Deltas are Gaussian (sigma 0.01) from a fixed seed.
 *
 * <pre>
 * mvn -B -Pjmh -DskipTests package
 * java -jar target/jmh/benchmarks.jar AggregationBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class AggregationBenchmark {

    @Param({"fedavg", "median", "trimmed-mean", "krum"})
    public String strategy;

    /** Local updates in the round. */
    @Param({"20", "100"})
    public int updates;

    /** Parameters per delta (one shard holding the whole model). */
    @Param({"7850"})
    public int length;

    private AggregationStrategy rule;
    private float[][] deltas;
    private long[] samples;
    private float[] global;
    private float[] serverState;

    @Setup
    public void setUp() {
        rule = switch (strategy) {
            case "fedavg" -> Strategies.fedAvg(1.0);
            case "median" -> Strategies.median();
            case "trimmed-mean" -> Strategies.trimmedMean(TrimmedMean.DEFAULT_BETA);
            case "krum" -> Strategies.krum(updates / 5);
            default -> throw new IllegalArgumentException(
                    "strategy must be fedavg, median, trimmed-mean or krum, got " + strategy);
        };
        if (updates < rule.minUpdates()) {
            throw new IllegalArgumentException(rule + " needs rounds of at least " + rule.minUpdates()
                    + " updates, got updates=" + updates);
        }
        SplittableRandom random = new SplittableRandom(42);
        deltas = new float[updates][];
        samples = new long[updates];
        for (int k = 0; k < updates; k++) {
            deltas[k] = Synthetic.gaussian(random, length, 0.01);
            samples[k] = random.nextLong(10, 1000);
        }
        global = Synthetic.gaussian(random, length, 0.1);
        serverState = new float[rule.stateSize(length)];
    }

    @TearDown
    public void checkFinite() {
        Synthetic.requireFinite(global, "AggregationBenchmark " + strategy);
    }

    @Benchmark
    public float[] round() {
        RoundAccumulator round = rule.newRound(length);
        for (int k = 0; k < updates; k++) {
            round.add(deltas[k], samples[k], 0);
        }
        rule.apply(global, serverState, round);
        return global;
    }
}
