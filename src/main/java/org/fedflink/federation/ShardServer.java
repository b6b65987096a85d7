package org.fedflink.federation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fedflink.data.DistinctCount;
import org.fedflink.drift.FederationDrift;
import org.fedflink.eval.SlidingWindow;

/**
 * The server of one shard: collects the updates of a round and folds a closed round into the
 * shard's parameters with the strategy's server rule. The caller (an operator) decides when to
 * close a round on a deadline or at the end of the input, publishes the versions and keeps the
 * state; this class holds the federated logic:
 *
 * <ul>
 *   <li>Each update is added with its staleness (how many versions the shard moved on since the
 *       update's base version), which FedBuff weighs; one staler than {@code maxStaleness} is
 *       dropped on arrival, and only those {@link RoundPolicy#counts} fill the round. A round the
 *       strategy cannot apply (fewer updates than its {@code minUpdates()}, after dropping
 *       non-finite ones) is skipped.
 *   <li>With a DP strategy the updates of one source within a round are summed into one before the
 *       strategy clips them, so a source moves a round by at most the clipping norm, and every
 *       applied round is composed into an RDP accountant (sampling probability 1: rounds are not
 *       random samples of the sources).
 *   <li>Concept drift: the outcomes of the folded examples feed the {@link FederationDrift}; on a
 *       detection the server optimizer's state is reset before the round is applied, and, with
 *       one shard, the next rounds close small.
 *   <li>A round shorter than usual takes a share of its step ({@link RoundPolicy#share}).
 * </ul>
 *
 * @param <U> the update type the caller keeps pending (and checkpoints)
 */
public final class ShardServer<U extends ClientUpdate> {

    /** What {@link #offer} did with an update. */
    public enum Arrival {
        /** Dropped: staler than {@code maxStaleness}. */
        TOO_STALE,
        /** The first update of a new round: the round's deadline starts. */
        OPENED_ROUND,
        /** Added to the round being collected. */
        ADDED,
        /** Added, and the round has what it needs to close. */
        ROUND_FULL
    }

    private final int shard;
    private final AggregationStrategy strategy;
    private final RoundPolicy rounds;
    private final FederationDrift drift;
    private final Optional<Reputation> reputation;
    private final Optional<PrivacyLedger> privacy;
    private final long maxStaleness;
    private final SlidingWindow window;
    /** Whether the rounds after a drift close small: with one shard only, as shards close their rounds apart. */
    private final boolean smallRoundsAfterDrift;

    private final float[] params;
    private final float[] serverState;
    private long version;
    private long roundCount;
    private long samplesInModel;
    private double prequentialLossSum;
    private long prequentialCorrect;
    private final List<U> pending;
    private final DistinctCount sources;
    private long roundsSkipped;
    private long updatesRejected;
    private long updatesTooStale;
    private long newestUpdateTime;
    /** The pending updates that count towards a full round ({@link RoundPolicy#counts}). */
    private int counted;
    /** The coordinates the newest version changed, when the strategy names them; null when unknown. */
    private int[] changedByVersion;

    /**
     * @param shard which shard (only shard 0's updates carry their examples' outcomes)
     * @param reputation per-source reputation, if on
     * @param privacy the privacy a client-level DP strategy spends, if the strategy is one
     * @param maxStaleness drop updates staler than this (0: keep every update)
     * @param shards the model's shard count
     */
    public ShardServer(int shard, int shards, AggregationStrategy strategy, RoundPolicy rounds, FederationDrift drift,
            Optional<Reputation> reputation, Optional<PrivacyLedger> privacy, long maxStaleness, SlidingWindow window,
            ShardServerState<U> restored) {
        this.shard = shard;
        this.strategy = strategy;
        this.rounds = rounds;
        this.drift = drift;
        this.reputation = reputation;
        this.privacy = privacy;
        this.maxStaleness = maxStaleness;
        this.window = window;
        this.smallRoundsAfterDrift = shards == 1;
        this.params = restored.params();
        this.serverState = restored.serverState();
        this.version = restored.version();
        this.roundCount = restored.rounds();
        this.samplesInModel = restored.samplesInModel();
        this.prequentialLossSum = restored.prequentialLossSum();
        this.prequentialCorrect = restored.prequentialCorrect();
        this.pending = new ArrayList<>(restored.pending());
        this.sources = DistinctCount.of(restored.sources());
        this.roundsSkipped = restored.roundsSkipped();
        this.updatesRejected = restored.updatesRejected();
        this.updatesTooStale = restored.updatesTooStale();
        this.newestUpdateTime = restored.newestUpdateTime();
        this.counted = (int) pending.stream().filter(u -> rounds.counts(staleness(u))).count();
    }

    /**
     * Takes an update into the round being collected.
     *
     * @param time the update's event time, or {@link Long#MIN_VALUE} for none
     */
    public Arrival offer(U update, long time) {
        if (time != Long.MIN_VALUE) {
            newestUpdateTime = Math.max(newestUpdateTime, time);
        }
        if (maxStaleness > 0 && staleness(update) > maxStaleness) {
            updatesTooStale++;
            return Arrival.TOO_STALE;
        }
        pending.add(update);
        if (rounds.counts(staleness(update))) {
            counted++;
        }
        rounds.observe(update.source());
        if (counted >= roundTarget() && rounds.hasEnoughSources(pendingSources())) {
            return Arrival.ROUND_FULL;
        }
        return pending.size() == 1 ? Arrival.OPENED_ROUND : Arrival.ADDED;
    }

    /** Whether a round is being collected. */
    public boolean collecting() {
        return !pending.isEmpty();
    }

    /** Whether the round being collected may close on its deadline: it has the distinct sources it needs. */
    public boolean mayCloseOnDeadline() {
        return !pending.isEmpty() && rounds.hasEnoughSources(pendingSources());
    }

    /**
     * How many updates close a round: the spec's number, or the server's ({@link RoundPolicy}); after
     * a drift fewer for a few rounds ({@link FederationDrift#roundTarget}), when there is one shard.
     */
    private int roundTarget() {
        int minUpdates = strategy.minUpdates();
        return rounds.target(usual -> smallRoundsAfterDrift ? drift.roundTarget(usual, minUpdates) : usual);
    }

    private List<String> pendingSources() {
        return pending.stream().map(ClientUpdate::source).toList();
    }

    /** How many versions this shard moved on since the version {@code u} was computed from. */
    private long staleness(ClientUpdate u) {
        // never negative: trainers only know versions this shard published (and restored with it)
        return Math.max(0, version - u.baseVersion());
    }

    /** Folds the round being collected into the model (a new version) or skips it; the round is over either way. */
    public ClosedRound close() {
        // the target this round was collected for (closing it may end the small rounds after a drift)
        int target = roundTarget();
        int length = params.length;
        RoundAccumulator round = strategy.newRound(length);
        // a DP guarantee is per source: a source's updates within a round count as one
        List<? extends ClientUpdate> updates =
                privacy.isPresent() ? SourceMerge.mergedBySource(pending, length) : pending;
        boolean control = strategy.keepsControlVariate();
        RoundAccumulator controlRound = control ? ScaffoldControl.newRound(length) : null;
        // reputation scores whole updates against each other, so it sees them dense; without it a
        // sparse update goes to the round as it came (a running sum adds only its entries)
        List<float[]> weighed = null;
        if (reputation.isPresent()) {
            List<float[]> deltas = updates.stream().map(u -> u.denseDelta(length)).toList();
            List<String> names = updates.stream().map(ClientUpdate::source).toList();
            reputation.get().observe(names, deltas);
            weighed = reputation.get().weigh(names, deltas);
        }
        List<ClientUpdate> folded = new ArrayList<>(updates.size());
        Set<String> roundSources = new HashSet<>();
        long samples = 0;
        long correct = 0;
        double lossSum = 0;
        double staleness = 0;
        for (int k = 0; k < updates.size(); k++) {
            ClientUpdate u = updates.get(k);
            int rejectedBefore = round.rejected();
            if (weighed != null) {
                round.add(weighed.get(k), u.samples(), staleness(u));
            } else if (u.sparse()) {
                round.addSparse(length, u.deltaIndices(), u.delta(), u.samples(), staleness(u));
            } else {
                round.add(u.denseDelta(length), u.samples(), staleness(u));
            }
            if (round.rejected() > rejectedBefore) {
                continue;
            }
            if (control && u.controlDelta() != null) {
                controlRound.add(u.controlDelta(), 1);
            }
            folded.add(u);
            roundSources.add(u.source());
            staleness += staleness(u);
            samples += u.samples();
            correct += u.correct();
            lossSum += u.lossSum();
        }
        updatesRejected += round.rejected();
        pending.clear();
        counted = 0;
        drift.roundClosed();
        int accepted = round.updates();
        if (accepted == 0 || accepted < strategy.minUpdates()) {
            roundsSkipped++;
            return ClosedRound.skipped();
        }
        List<Double> detections = watchDrift(folded);
        if (!detections.isEmpty()) {
            // the round's updates were made after the change: no momentum from before it
            strategy.resetOptimizerState(serverState);
        }
        double share = rounds.share(
                folded.stream().map(u -> new ShortRounds.Update(u.source(), u.samples())).toList(), target);
        boolean shorten = share < 1 && strategy.shortensShortRounds();
        // a sparse round of a 2^20-parameter model moves a few thousand: save and scale only those,
        // and publish only those
        int[] moved = strategy.movedCoordinates(round);
        float[] before = !shorten ? null : moved == null ? params.clone() : Vectors.gather(params, moved);
        strategy.apply(params, serverState, round);
        if (shorten && moved != null) {
            ShortRounds.scaleStep(before, params, share, moved);
        } else if (shorten) {
            ShortRounds.scaleStep(before, params, share);
        }
        roundSources.forEach(sources::add);
        if (control && controlRound.updates() > 0) {
            // c += sum(deltaC_i) / N, N = every source the model has heard from so far (estimated
            // beyond DistinctCount.EXACT_LIMIT sources)
            ScaffoldControl.update(serverState, controlRound, sourceCount());
        }
        privacy.ifPresent(PrivacyLedger::roundApplied);
        changedByVersion = moved;
        version++;
        roundCount++;
        samplesInModel += samples;
        prequentialLossSum += lossSum;
        prequentialCorrect += correct;
        for (ClientUpdate u : folded) {
            addToWindow(u);
        }
        return new ClosedRound(true, accepted, roundSources.size(), samples, staleness / accepted, detections);
    }

    /**
     * The version after the last one with the same model: the final version at the end of the
     * input when the last round closed exactly on the last update (its version is out already,
     * not marked final, and a published version is never published again).
     */
    public void nextVersionSameModel() {
        if (version > 0) {
            changedByVersion = new int[0];
            version++;
        }
    }

    /**
     * Feeds the server's detector the outcome of every example of the folded updates, in order,
     * and returns the statistic of each detection. Updates checkpointed before they carried their
     * examples' outcomes are not watched.
     */
    private List<Double> watchDrift(List<ClientUpdate> folded) {
        if (!drift.detects()) {
            return List.of();
        }
        List<Double> detections = new ArrayList<>(1);
        for (ClientUpdate u : folded) {
            float[] losses = u.exampleLosses();
            if (losses == null) {
                continue;
            }
            detections.addAll(drift.observeUpdate(u.source(), losses, u.exampleCorrect()));
        }
        return detections;
    }

    /**
     * Adds an update's examples to the window, each with its own outcome. Only shard 0's pieces
     * carry outcomes (the other shards' windows stay empty: the model writer reads shard 0's). An
     * update of shard 0 without them was checkpointed before updates carried them: its examples
     * count with their mean loss, the correct ones first.
     */
    private void addToWindow(ClientUpdate u) {
        if (u.exampleLosses() != null) {
            window.addAll(u.exampleLosses(), u.exampleCorrect(), (int) u.samples());
        } else if (shard == 0 && u.samples() > 0) {
            float meanLoss = (float) (u.lossSum() / u.samples());
            for (long i = 0; i < u.samples(); i++) {
                window.add(meanLoss, i < u.correct());
            }
        }
    }

    /** What a checkpoint holds of this server (its collaborators checkpoint their own states). */
    public ShardServerState<U> state() {
        return new ShardServerState<>(params, serverState, version, roundCount, samplesInModel, prequentialLossSum,
                prequentialCorrect, List.copyOf(pending), sources.toState(), roundsSkipped, updatesRejected,
                updatesTooStale, newestUpdateTime);
    }

    public int shard() {
        return shard;
    }

    public long version() {
        return version;
    }

    /** A copy of the shard's parameters. */
    public float[] params() {
        return params.clone();
    }

    /**
     * The coordinates in which the current version differs from the one before it, when the
     * strategy named them (a sparse round of FedAvg or the sum: a few thousand of a 2^20 model);
     * null when it may have changed any, and before the first version this server made.
     */
    public int[] changedByVersion() {
        return changedByVersion;
    }

    /** The shard's current values at {@code indices}, in their order. */
    public float[] paramsAt(int[] indices) {
        return Vectors.gather(params, indices);
    }

    public long samplesInModel() {
        return samplesInModel;
    }

    /** The sources the model has heard from: exact up to {@link DistinctCount#EXACT_LIMIT}, then estimated. */
    public int sourceCount() {
        return (int) sources.count();
    }

    /** The rounds folded into the model. */
    public long rounds() {
        return roundCount;
    }

    /** Mean prequential loss over every example in the model; NaN before any. */
    public double prequentialLoss() {
        return samplesInModel == 0 ? Double.NaN : prequentialLossSum / samplesInModel;
    }

    /** Prequential accuracy over every example in the model; NaN before any. */
    public double prequentialAccuracy() {
        return samplesInModel == 0 ? Double.NaN : (double) prequentialCorrect / samplesInModel;
    }

    public SlidingWindow window() {
        return window;
    }

    public long roundsSkipped() {
        return roundsSkipped;
    }

    public long updatesRejected() {
        return updatesRejected;
    }

    public long updatesTooStale() {
        return updatesTooStale;
    }

    public long newestUpdateTime() {
        return newestUpdateTime;
    }

    /** The privacy spent so far, as the published versions carry it: NaN without a DP strategy. */
    public double epsilon() {
        return privacy.map(PrivacyLedger::epsilon).orElse(Double.NaN);
    }

    /** The {@code delta} of {@link #epsilon()}; NaN without a DP strategy. */
    public double privacyDelta() {
        return privacy.map(PrivacyLedger::delta).orElse(Double.NaN);
    }

    /** What the trainers' steps need of the server's state: SCAFFOLD's control variate (a copy), else null. */
    public float[] publishedControl() {
        return strategy.keepsControlVariate() ? serverState.clone() : null;
    }

    public FederationDrift drift() {
        return drift;
    }

    /** When a round is over, with its own state to checkpoint. */
    public RoundPolicy roundPolicy() {
        return rounds;
    }

    public Optional<Reputation> reputation() {
        return reputation;
    }

    public Optional<PrivacyLedger> privacy() {
        return privacy;
    }
}
