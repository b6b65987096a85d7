package org.fedflink.aggregate;

/**
 * Collects the local updates of one round for one shard. The strategy that created it decides
 * what it keeps (a running weighted sum for FedAvg; all updates for robust rules).
 */
public interface RoundAccumulator {

    /** Adds one local update: a parameter delta computed from {@code samples} examples. */
    void add(float[] delta, long samples);

    /** Number of updates added. */
    int updates();

    /** Number of samples over all updates added. */
    long samples();
}
