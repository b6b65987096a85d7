package org.fedflink.federation;

/**
 * A federated strategy: the server-side rule that folds one round of local updates into the
 * global parameters, and the local steps it asks of the sources ({@link #localStep()}).
 *
 * <p>Works on one parameter range (a shard) at a time: {@code global} and every delta have the
 * same length. A strategy object holds configuration only; server optimizer state (momentum,
 * adaptive moments, an adaptive clipping norm, a round counter) lives in a {@code float[]} of
 * length {@link #stateSize(int)} that the caller keeps in checkpointed state. A fresh state is all
 * zeros: every strategy encodes its initial state as zeros, so the caller never initialises it.
 *
 * <p>The caller's round loop: {@code round = newRound(length)}, {@code round.add(...)} for each
 * update, then, if {@code round.updates() >= minUpdates()}, {@code apply(global, state, round)};
 * otherwise the round cannot be applied (skip it and count it).
 */
public interface AggregationStrategy extends java.io.Serializable {

    /** Starts collecting a round for a shard of {@code length} parameters. */
    RoundAccumulator newRound(int length);

    /** Length of the server optimizer state for a shard of {@code length} parameters. */
    default int stateSize(int length) {
        return 0;
    }

    /**
     * The fewest updates a round must hold for {@link #apply} to accept it (robust rules need
     * more than one: Krum {@code 2f+3}, Bulyan {@code 4f+3}). A configuration whose rounds close
     * with fewer updates can never aggregate, so the caller should refuse it at startup; a round
     * cut short at run time (a timeout, updates rejected as non-finite) should be skipped.
     */
    default int minUpdates() {
        return 1;
    }

    /**
     * Whether the rule is only meaningful when one shard holds the whole parameter vector. Rules
     * that select updates by full-vector distances (Krum, Multi-Krum, Bulyan) or that need the
     * full-vector norm for a privacy guarantee (DP-FedAvg) would, on several shards, select or
     * clip each shard independently.
     */
    default boolean requiresSingleShard() {
        return false;
    }

    /**
     * The only coordinates {@link #apply} can change for {@code round}, or null if it may change
     * any: a rule whose step is zero where no update moved (FedAvg, sum) names the coordinates its
     * sparse updates moved, so the caller can save and scale just those.
     */
    default int[] movedCoordinates(RoundAccumulator round) {
        return null;
    }

    /**
     * Whether a round that carries fewer examples than usual takes a shorter step
     * ({@link ShortRounds}). True for the rules that average their sources' updates; false for a
     * rule whose global model must be every delta added whole (the centralized learner keeps its
     * own parameters, so a step cut short would be lost for good).
     */
    default boolean shortensShortRounds() {
        return true;
    }

    /**
     * Forgets what the server optimizer learned from earlier rounds, after a concept drift: its
     * momentum and adaptive moments (and the round count of their bias correction) go back to the
     * fresh all-zero state. State that is not an optimizer's is kept: a DP strategy's round
     * counter and clipping norm (its noise and privacy accounting depend on them) and SCAFFOLD's
     * control variate (which the sources' own variates must keep matching). By default there is
     * no optimizer state and nothing changes.
     */
    default void resetOptimizerState(float[] serverState) {}

    /** Applies a closed, non-empty round to {@code global} in place. */
    void apply(float[] global, float[] serverState, RoundAccumulator round);

    /** The strategy's client rule: how sources step and what they report. Plain steps by default. */
    default LocalStep localStep() {
        return LocalStep.plain();
    }

    /**
     * Whether the server state is a control variate the sources' updates move ({@link
     * ScaffoldControl}) and every published version carries to the sources' corrected steps.
     */
    default boolean keepsControlVariate() {
        return false;
    }
}
