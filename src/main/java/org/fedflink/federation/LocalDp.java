package org.fedflink.federation;

import java.util.SplittableRandom;

/**
 * Local differential privacy for one update, applied on the trainer side before the update leaves
 * its source (Flower's {@code LocalDpMod}): the delta is clipped to an L2 norm of at most
 * {@code clippingNorm}, then Gaussian noise of standard deviation {@code noiseStddev} is added to
 * every coordinate. Unlike {@link DpFixedClipping}, the server never sees a noiseless update, at
 * the price of far more noise in the average.
 *
 * <p>Deterministic given the seed passed to {@link #privatize}; derive one per update with
 * {@link Attacks#updateSeed} (or any per-update seed) so that replays after a failure add the same
 * noise. Immutable and serializable. Create via {@link #withNoiseMultiplier} or
 * {@link #withEpsilonDelta}.
 *
 * @param clippingNorm the largest L2 norm of an update before noise; finite and {@code > 0}
 * @param noiseStddev standard deviation of the noise per coordinate; finite and {@code >= 0}
 */
public record LocalDp(double clippingNorm, double noiseStddev) implements java.io.Serializable {

    /** @throws IllegalArgumentException naming the first knob out of range */
    public LocalDp {
        Knobs.positive("clippingNorm", clippingNorm);
        Knobs.nonNegative("noiseStddev", noiseStddev);
    }

    /**
     * Noise of standard deviation {@code noiseMultiplier * clippingNorm}: each released update is a
     * Gaussian mechanism with that noise multiplier over the clipped update (sensitivity
     * {@code clippingNorm} for add/remove of the update, {@code 2 * clippingNorm} for replacing it).
     */
    public static LocalDp withNoiseMultiplier(double clippingNorm, double noiseMultiplier) {
        Knobs.positive("clippingNorm", clippingNorm);
        Knobs.nonNegative("noiseMultiplier", noiseMultiplier);
        return new LocalDp(clippingNorm, noiseMultiplier * clippingNorm);
    }

    /**
     * Flower's {@code LocalDpMod(clipping_norm, sensitivity, epsilon, delta)}: the classic Gaussian
     * mechanism's {@code sensitivity * sqrt(2 ln(1.25 / delta)) / epsilon} (Dwork and Roth, "The
     * Algorithmic Foundations of Differential Privacy", Theorem A.1, which holds for
     * {@code epsilon < 1}; larger values are accepted, as Flower does, but then give no proven
     * guarantee).
     *
     * @throws IllegalArgumentException if {@code sensitivity < 0}, {@code epsilon <= 0} or
     *     {@code delta} is not in {@code (0, 1)}
     */
    public static LocalDp withEpsilonDelta(double clippingNorm, double sensitivity, double epsilon, double delta) {
        Knobs.positive("clippingNorm", clippingNorm);
        Knobs.nonNegative("sensitivity", sensitivity);
        Knobs.positive("epsilon", epsilon);
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        return new LocalDp(clippingNorm, sensitivity * Math.sqrt(2 * Math.log(1.25 / delta)) / epsilon);
    }

    /**
     * Clips {@code delta} to {@link #clippingNorm()} and adds the noise, in place, with noise drawn
     * from a generator seeded by {@code seed}.
     *
     * @throws IllegalArgumentException if {@code delta} is null or holds a NaN or an infinity (its
     *     norm, and so its clipping, would be undefined)
     */
    public void privatize(float[] delta, long seed) {
        if (delta == null) {
            throw new IllegalArgumentException("delta is required, got null");
        }
        if (!Vectors.allFinite(delta)) {
            throw new IllegalArgumentException("delta must be finite to be clipped, got a NaN or an infinity");
        }
        double factor = Vectors.clipFactor(Vectors.l2Norm(delta), clippingNorm);
        SplittableRandom random = Seeds.random(seed, 0);
        for (int i = 0; i < delta.length; i++) {
            double noise = noiseStddev == 0 ? 0 : noiseStddev * random.nextGaussian();
            delta[i] = (float) (factor * delta[i] + noise);
        }
    }
}
