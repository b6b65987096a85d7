package org.fedflink.data;

import java.io.Serializable;
import java.util.List;

/**
 * The built-in synthetic data set: a planted model over non-IID data sources.
 *
 * <p>Deterministic: {@link #example(long)} depends only on the configuration (incl. seed) and the
 * index, so parallel source readers can generate disjoint index ranges.
 */
public final class SyntheticGenerator implements Serializable {

    public SyntheticGenerator(Config config) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The i-th example of the stream (source, timestamp, label, dense features). */
    public Example example(long index) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Whether the i-th record of the stream is a malformed one (drawn with {@code corruptFraction}). */
    public boolean isCorrupt(long index) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A malformed JSON line for the i-th record, as a bad producer might send. */
    public String corruptLine(long index) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code n} held-out examples drawn from the same mixture of sources (independent of the stream). */
    public List<Example> holdout(int n) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Accuracy (classification) or mean squared error (regression) of the planted model on {@code examples}. */
    public double plantedScore(List<Example> examples) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Generator configuration. */
    public record Config(
            org.fedflink.model.ModelType type,
            int features,
            int classes,
            int sources,
            double labelSkew,
            double featureShift,
            double classSeparation,
            double noise,
            double corruptFraction,
            long eventIntervalMillis,
            long startTimeMillis,
            long seed)
            implements Serializable {}
}
