package org.fedflink.aggregate;

/**
 * A server-side rule that folds one round of local updates into the global parameters.
 *
 * <p>Works on one parameter range (a shard) at a time: {@code global} and every delta have the
 * same length. A strategy object holds configuration only; server optimizer state (momentum,
 * adaptive moments) lives in a {@code float[]} of length {@link #stateSize(int)} that the caller
 * keeps in checkpointed state.
 */
public interface AggregationStrategy extends java.io.Serializable {

    /** Starts collecting a round for a shard of {@code length} parameters. */
    RoundAccumulator newRound(int length);

    /** Length of the server optimizer state for a shard of {@code length} parameters. */
    default int stateSize(int length) {
        return 0;
    }

    /** Applies a closed, non-empty round to {@code global} in place. */
    void apply(float[] global, float[] serverState, RoundAccumulator round);
}
