package org.fedflink.data;

import java.io.Serializable;

/**
 * The non-IID sources of {@link SyntheticGenerator}'s data: per source {@code s} (named
 * {@code "source-" + s}) a feature shift {@code delta_s ~ N(0, featureShift^2 I)} and, with
 * classes, a class mix {@code pi_s ~ Dirichlet(labelSkew, ..., labelSkew)}.
 *
 * <p>Source {@code s} draws from a stream of its own ({@code SplitMix64.streamSeed(keys, s)}), so
 * its parameters do not depend on the number of sources. Immutable once drawn, so thread-safe.
 */
final class SyntheticSources implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int classes;
    /** sources x features, row-major; read directly by the generator's record emission. */
    final double[] shifts;
    /** sources x classes cumulative class distributions, last entry of each row exactly 1. */
    private final double[] classCdf;
    /** The class mixes pi_s themselves (sources x classes), for inspection. */
    private final double[] classMix;
    /** Made once, so every example of a source carries the same String. */
    private final String[] names;

    /**
     * @param classes the number of classes, 0 for none (LINEAR: no class mixes are drawn)
     * @param keys the stream keys of the source family ({@link SplitMix64#streamKeys})
     */
    SyntheticSources(int sources, int features, int classes, double labelSkew, double featureShift, long[] keys) {
        boolean classifier = classes > 0;
        this.classes = classes;
        shifts = new double[sources * features];
        classCdf = classifier ? new double[sources * classes] : null;
        classMix = classifier ? new double[sources * classes] : null;
        names = new String[sources];
        double[] logGamma = classifier ? new double[classes] : null;
        for (int s = 0; s < sources; s++) {
            names[s] = "source-" + s;
            SplitMix64 r = new SplitMix64(SplitMix64.streamSeed(keys[0], keys[1], s));
            if (classifier) {
                // Dirichlet(alpha) = normalised Gamma(alpha) draws, computed in logs (tiny alpha underflows)
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    logGamma[c] = r.nextLogGamma(labelSkew);
                    max = Math.max(max, logGamma[c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double p = Math.exp(logGamma[c] - max);
                    classMix[s * classes + c] = p;
                    sum += p;
                }
                double cum = 0;
                for (int c = 0; c < classes; c++) {
                    classMix[s * classes + c] /= sum;
                    cum += classMix[s * classes + c];
                    classCdf[s * classes + c] = cum;
                }
                classCdf[s * classes + classes - 1] = 1.0;
            }
            for (int j = 0; j < features; j++) {
                shifts[s * features + j] = r.nextGaussian() * featureShift;
            }
        }
    }

    String name(int s) {
        return names[s];
    }

    /** A copy of {@code pi_s} (with classes only). */
    double[] classMix(int s) {
        double[] pi = new double[classes];
        System.arraycopy(classMix, s * classes, pi, 0, classes);
        return pi;
    }

    /** The class of source {@code s} that the uniform {@code u} in [0, 1) picks from {@code pi_s}. */
    int drawClass(int s, double u) {
        int base = s * classes;
        int y = 0;
        while (y < classes - 1 && u >= classCdf[base + y]) {
            y++;
        }
        return y;
    }
}
