package org.fedflink.federation;

/**
 * Collects the local updates of one round for one shard. The strategy that created it decides
 * what it keeps (a running weighted sum for FedAvg; all updates for robust rules).
 */
public interface RoundAccumulator {

    /** Adds one local update: a parameter delta computed from {@code samples} examples. */
    void add(float[] delta, long samples);

    /**
     * Adds one local update computed from a global version {@code staleness} versions older than
     * the current one. Only staleness-aware strategies ({@link FedBuff}) use it; the others ignore
     * it, so a caller may always pass it.
     *
     * @throws IllegalArgumentException if {@code staleness < 0}, or as {@link #add(float[], long)}
     */
    default void add(float[] delta, long samples, long staleness) {
        if (staleness < 0) {
            throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
        }
        add(delta, samples);
    }

    /**
     * Adds one sparse local update: a delta of a shard of {@code length} parameters that is zero
     * except at {@code indices}, where it is {@code values}; otherwise as
     * {@link #add(float[], long, long)}. Accumulators that keep a running sum add it in time
     * proportional to its entries; the others (robust rules, which compare whole updates) receive
     * it dense.
     *
     * @throws IllegalArgumentException if the arrays differ in length or an index lies outside
     *     {@code [0, length)}, or as {@link #add(float[], long, long)}
     */
    default void addSparse(int length, int[] indices, float[] values, long samples, long staleness) {
        add(Vectors.scatter(length, indices, values), samples, staleness);
    }

    /** Number of updates added (and kept). */
    int updates();

    /** Number of samples over all updates added (and kept). */
    long samples();

    /**
     * Number of updates dropped because their delta held a NaN or an infinity. They are not
     * counted in {@link #updates()} or {@link #samples()}. Rounds of the plain FedAvg and sum
     * strategies never drop any (they return 0).
     */
    default int rejected() {
        return 0;
    }
}
