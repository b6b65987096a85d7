package org.fedflink.aggregate;

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
