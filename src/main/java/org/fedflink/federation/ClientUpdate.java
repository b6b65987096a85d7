package org.fedflink.federation;

import org.fedflink.eval.OutcomeLog;

/**
 * What a source reports to the server of one shard: its progress since its last report on that
 * shard's parameters, and the prequential outcome of the examples behind it.
 */
public interface ClientUpdate {

    /** The data source that made it. */
    String source();

    /** The global version of the shard the progress was made from. */
    long baseVersion();

    /** Examples behind it. */
    long samples();

    /** Prequential loss summed over those examples. */
    double lossSum();

    /** Prequential correct predictions among them. */
    long correct();

    /** The change of the shard's parameters: every coordinate, or the values at {@link #deltaIndices()}. */
    float[] delta();

    /** The indices of a sparse {@link #delta()}; null when it is dense. */
    int[] deltaIndices();

    /** SCAFFOLD's change of the source's control variate; null for other strategies. */
    float[] controlDelta();

    /** Each example's prequential loss (shard 0's piece), or null. */
    float[] exampleLosses();

    /** Whether each example was predicted right, as bits, beside {@link #exampleLosses()}. */
    long[] exampleCorrect();

    /** Whether the delta is sparse. */
    default boolean sparse() {
        return deltaIndices() != null;
    }

    /**
     * The delta over every coordinate of a shard of {@code length} parameters: {@code delta}
     * itself when dense, else a new array with the sparse changes in place.
     *
     * @throws IllegalArgumentException if a dense delta does not have that length or a sparse
     *     index lies outside it
     */
    default float[] denseDelta(int length) {
        if (deltaIndices() == null) {
            if (delta().length != length) {
                throw new IllegalArgumentException("delta has length " + delta().length + " but the shard has "
                        + length + " parameters");
            }
            return delta();
        }
        return Vectors.scatter(length, deltaIndices(), delta());
    }

    /** The per-example outcomes this update carries, or null. */
    default OutcomeLog outcomes() {
        return exampleLosses() == null ? null : OutcomeLog.of(exampleLosses(), exampleCorrect());
    }
}
