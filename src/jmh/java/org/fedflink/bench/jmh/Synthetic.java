package org.fedflink.bench.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Inputs of the benchmarks, drawn from a fixed seed so that every run measures the same data.
 *
 * <p>Dense examples look like Fashion-MNIST images scaled to {@code [0, 1]}: 784 values, about
 * half of them exactly 0 (the MLP skips zero inputs, so the share matters), the rest multiples of
 * 1/255. Sparse examples look like hashed text: distinct, strictly increasing indices spread over
 * the whole dimension, values 1.
 */
final class Synthetic {
    private Synthetic() {}

    /** Fashion-MNIST's image size. */
    static final int PIXELS = 784;
    /** Hashed dimension of the sparse benchmarks: 2^20. */
    static final int SPARSE_DIMENSION = 1 << 20;
    /** Non-zeros per sparse example. */
    static final int SPARSE_NON_ZEROS = 40;
    /**
     * Examples in a pool that a benchmark cycles through, so that successive steps see different
     * inputs (and a sparse step touches other rows of the parameters) as a trainer's would.
     */
    static final int POOL = 256;

    /** A dense image-like example: about half zeros, the rest {@code k / 255}, {@code k} in 1..255. */
    static float[] pixels(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int j = 0; j < length; j++) {
            x[j] = random.nextBoolean() ? 0f : random.nextInt(1, 256) / 255f;
        }
        return x;
    }

    /** {@code nonZeros} distinct indices in {@code [0, dimension)}, strictly increasing. */
    static int[] sparseIndices(SplittableRandom random, int dimension, int nonZeros) {
        return random.ints(0, dimension).distinct().limit(nonZeros).sorted().toArray();
    }

    /** The values of a sparse example with {@code nonZeros} entries: all 1, as for hashed tokens. */
    static float[] ones(int nonZeros) {
        float[] v = new float[nonZeros];
        Arrays.fill(v, 1f);
        return v;
    }

    /** Standard normal values times {@code scale}. */
    static float[] gaussian(SplittableRandom random, int length, double scale) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    /**
     * Fails the trial when a benchmark drove the parameters to NaN or infinity: it would then have
     * timed arithmetic on non-finite values, not training.
     */
    static void requireFinite(float[] params, String what) {
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                throw new IllegalStateException(what + ": parameter " + i + " became " + params[i]);
            }
        }
    }
}
