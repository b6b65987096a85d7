package org.fedflink.federation;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * When a shard server's round is over and how far it moves the global model: the round's size (the
 * job's {@code rounds.updatesPerRound}, or {@link RoundSize}'s half of the active sources), which
 * updates count towards it ({@code rounds.countStaleness}), the distinct sources it must hold
 * ({@code rounds.minSources}), and the share of a whole step a short round takes ({@link
 * ShortRounds}). The operator keeps the pending updates, the timeout and the state; this decides.
 *
 * <p>Why staler updates join a round without filling it: updates computed from one version come in
 * bursts (at an event-time boundary every source with a few examples reports at once; at 100,000
 * sources that is every source with one). Counted, they fill round after round, each a whole step
 * in the direction they all computed from that version — one step dozens of times too long, and
 * the model oscillates (holdout log loss 0.11 to 14 in the 100,000-source bench). Not counted past
 * the first rounds, they make one round: the step of one synchronous FedAvg round over all of them.
 *
 * <p>Not thread-safe; {@link #recentSources()} and {@link #shortRoundsState()} carry it through a
 * checkpoint.
 */
public final class RoundPolicy {

    private final int updatesPerRound;
    private final int minUpdates;
    private final int minSources;
    private final long countStaleness;
    private final RoundSize size;
    private final ShortRounds shortRounds;

    /**
     * @param updatesPerRound the job's round size, or {@code <= 0} to let {@link RoundSize} choose
     * @param minUpdates the fewest updates the strategy accepts
     * @param minSources the fewest distinct sources a round must hold ({@code <= 1}: any)
     * @param countStaleness the staleness (versions behind) up to which an update counts towards
     *     a full round; {@code <= 0}: every update counts
     * @param recentSources the sources of the latest updates ({@link #recentSources()}), or null
     * @param shortRounds what rounds and sources usually carry ({@link #shortRoundsState()}), or null
     */
    public RoundPolicy(int updatesPerRound, int minUpdates, int minSources, long countStaleness,
            String[] recentSources, ShortRounds.State shortRounds) {
        this.updatesPerRound = updatesPerRound;
        this.minUpdates = minUpdates;
        this.minSources = minSources;
        this.countStaleness = countStaleness;
        this.size = RoundSize.of(recentSources);
        this.shortRounds = ShortRounds.of(shortRounds);
    }

    /** Whether an update {@code staleness} versions behind counts towards a full round. */
    public boolean counts(long staleness) {
        return countStaleness <= 0 || staleness <= countStaleness;
    }

    /** Notes an update of {@code source} that joins the pending round. */
    public void observe(String source) {
        size.observe(source);
    }

    /**
     * How many updates close a round now: the job's number or the server's, as {@code adjust}
     * changes it (after a drift, fewer for a few rounds).
     *
     * @param adjust from the usual target to the one to use
     */
    public int target(IntUnaryOperator adjust) {
        int usual = updatesPerRound > 0 ? updatesPerRound : size.target(minUpdates);
        return adjust.applyAsInt(usual);
    }

    /**
     * Whether the pending round's updates come from at least {@code minSources} distinct sources: a
     * round closes when it has the target's updates and this holds, and a timeout never closes it
     * while this does not.
     */
    public boolean hasEnoughSources(Collection<String> pendingSources) {
        return minSources <= 1 || new HashSet<>(pendingSources).size() >= minSources;
    }

    /** The share of a whole step a closing round takes ({@link ShortRounds#share}); counts the round. */
    public double share(List<ShortRounds.Update> updates, int target) {
        return shortRounds.share(updates, target);
    }

    /** The sources of the latest updates, oldest first (for a checkpoint). */
    public String[] recentSources() {
        return size.recent();
    }

    /** What rounds and sources usually carry (for a checkpoint). */
    public ShortRounds.State shortRoundsState() {
        return shortRounds.toState();
    }
}
