package org.fedflink.drift;

import java.util.Random;

/**
 * The deterministic streams of the drift detector tests. The MOA reference program
 * (src/test/resources/org/fedflink/drift/MoaReference.java) feeds these same arrays to MOA, so the
 * figures it prints are for exactly the streams the tests build.
 *
 * <p>{@link java.util.Random} rather than {@code SplittableRandom}: its Javadoc fixes the algorithm
 * of {@code nextDouble} and {@code nextGaussian} for every Java implementation, so a seed gives the
 * same stream on any JVM.
 */
public final class DriftStreams {
    private DriftStreams() {}

    /** A classifier's 0/1 errors: 1,000 of Bernoulli(0.2), then 1,000 of Bernoulli(0.8); seed 15. */
    public static double[] errorStep() {
        return bernoulli(15, new int[] {1000, 1000}, new double[] {0.2, 0.8});
    }

    /** A loss around 0.7, then 1.2, then 0.4 (2,000 each), standard deviation 0.3; seed 16. */
    public static double[] lossLevels() {
        return gaussian(16, new int[] {2000, 2000, 2000}, new double[] {0.7, 1.2, 0.4}, 0.3);
    }

    /** 100,000 draws of Bernoulli(0.3), no change anywhere; seed 17. */
    public static double[] stationaryErrors() {
        return bernoulli(17, new int[] {100_000}, new double[] {0.3});
    }

    /** 10 zeros, then 50 hundreds: a change far past any threshold before the warm-up ends. */
    public static double[] earlyJump() {
        return steps(new int[] {10, 50}, new double[] {0, 100});
    }

    /**
     * 1,500,000 draws of Bernoulli(0.3), then 2,000 of Bernoulli(0.9); seed 99: a window past
     * where MOA's {@code int} products overflow.
     */
    public static double[] longStep() {
        return bernoulli(99, new int[] {1_500_000, 2000}, new double[] {0.3, 0.9});
    }

    /** 100 zeros, then 20 thousands: a jump that every cut's bound allows at once. */
    public static double[] bigJump() {
        return steps(new int[] {100, 20}, new double[] {0, 1000});
    }

    /** 0.2, then 0.8, then 1.4, 1,000 of each, without noise. */
    public static double[] levelSteps() {
        return steps(new int[] {1000, 1000, 1000}, new double[] {0.2, 0.8, 1.4});
    }

    /**
     * {@code lengths[i]} draws of Bernoulli({@code probabilities[i]}) in turn, one generator
     * throughout: value {@code rng.nextDouble() < p ? 1 : 0}, as a classifier's 0/1 error.
     */
    public static double[] bernoulli(long seed, int[] lengths, double[] probabilities) {
        Random rng = new Random(seed);
        double[] out = new double[total(lengths)];
        int i = 0;
        for (int s = 0; s < lengths.length; s++) {
            for (int k = 0; k < lengths[s]; k++) {
                out[i++] = rng.nextDouble() < probabilities[s] ? 1 : 0;
            }
        }
        return out;
    }

    /**
     * {@code lengths[i]} draws of {@code levels[i] + spread * N(0, 1)} in turn, one generator
     * throughout: a real-valued figure such as a loss.
     */
    public static double[] gaussian(long seed, int[] lengths, double[] levels, double spread) {
        Random rng = new Random(seed);
        double[] out = new double[total(lengths)];
        int i = 0;
        for (int s = 0; s < lengths.length; s++) {
            for (int k = 0; k < lengths[s]; k++) {
                out[i++] = levels[s] + spread * rng.nextGaussian();
            }
        }
        return out;
    }

    /** {@code lengths[i]} copies of {@code levels[i]} in turn: a noiseless step sequence. */
    public static double[] steps(int[] lengths, double[] levels) {
        double[] out = new double[total(lengths)];
        int i = 0;
        for (int s = 0; s < lengths.length; s++) {
            for (int k = 0; k < lengths[s]; k++) {
                out[i++] = levels[s];
            }
        }
        return out;
    }

    /** The stream with every value negated: a fall becomes a rise of the same size. */
    public static double[] negated(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = -values[i];
        }
        return out;
    }

    private static int total(int[] lengths) {
        int n = 0;
        for (int length : lengths) {
            n += length;
        }
        return n;
    }
}
