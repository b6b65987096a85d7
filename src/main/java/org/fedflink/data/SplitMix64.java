package org.fedflink.data;

/**
 * A tiny, allocation-light SplitMix64 generator with a Gaussian helper (Marsaglia polar method).
 *
 * <p>Used by {@link SyntheticGenerator} to derive one independent stream per example index: the
 * generator seeds a fresh instance with a mix of the configuration seed and the index, so any index
 * can be generated without generating the ones before it. Not thread-safe; instances are meant to
 * be short-lived locals.
 */
final class SplitMix64 {

    /** The golden-ratio increment of SplitMix64 (odd, so it visits every 64-bit state). */
    static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private long state;
    private double spare;
    private boolean hasSpare;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** SplitMix64's output finalizer (Stafford's variant 13): a bijective, well-avalanching 64-bit mix. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The seed of the stream for element {@code index} of a family of streams identified by
     * ({@code base}, {@code salt}): both come from {@link #streamKeys}. The trailing xor with a
     * second key keeps two families from being shifted copies of each other.
     */
    static long streamSeed(long base, long salt, long index) {
        return mix64(base + index * GOLDEN) ^ salt;
    }

    /** Two 64-bit keys for the stream family {@code family} of a configuration seed. */
    static long[] streamKeys(long seed, long family) {
        // two unrelated keys: b must not be mix64(a + j * GOLDEN) for a small j, or element j of the
        // family would get the seed 0 (and so would element j of every other family)
        long a = mix64(seed ^ mix64(family * 0x632be59bd9b4e019L + 0x1234567L));
        long b = mix64(Long.rotateLeft(seed, 29) ^ mix64(family * 0xd1b54a32d192ed03L + 0x7f4a7c15L));
        return new long[] {a, b};
    }

    long nextLong() {
        return mix64(state += GOLDEN);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound) for {@code 0 < bound <= 2^31 - 1} (multiply-shift; bias below 2^-32 * bound). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Standard normal deviate (Marsaglia polar method, generating pairs). */
    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            long r = nextLong();
            // two 32-bit uniforms in [-1, 1) from one 64-bit draw
            u = (int) (r >>> 32) * 0x1.0p-31;
            v = (int) r * 0x1.0p-31;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double m = Math.sqrt(-2.0 * Math.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    /**
     * The natural logarithm of a Gamma(shape, 1) deviate (Marsaglia–Tsang; shapes below 1 use the
     * boost {@code G(a) = G(a + 1) * U^(1/a)}). Working in logs keeps tiny shapes from underflowing.
     */
    double nextLogGamma(double shape) {
        if (shape < 1.0) {
            double u;
            do {
                u = nextDouble();
            } while (u == 0.0);
            return nextLogGamma(shape + 1.0) + Math.log(u) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = nextGaussian();
            double t = 1.0 + c * x;
            if (t <= 0.0) {
                continue;
            }
            double v = t * t * t;
            double u = nextDouble();
            if (u == 0.0) {
                continue;
            }
            double logV = Math.log(v);
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * logV) {
                return Math.log(d) + logV;
            }
        }
    }
}
